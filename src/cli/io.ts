/** What a CLI command may touch: its arguments, the environment and two output streams. */
export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

export type CliCommand = (argv: string[], io: CliIo) => Promise<number>;
