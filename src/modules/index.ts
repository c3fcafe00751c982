/**
 * The product as createApp runs it: promotions, Slack (with drift wired into its commands and
 * listeners) and, without a Slack token, the sandbox. main.ts and the tests compose it here so
 * the wiring exists once.
 */
import type { AppModule } from "../app.js";
import type { Config } from "../config.js";
import { prepareSandbox, type Sandbox } from "../sandbox/sandbox-mode.js";
import { type DriftWiringOptions, driftPromoteHandler, wireDrift } from "./drift.js";
import { type PromotionModuleOptions, promotionAppModule } from "./promotions.js";
import { type SlackAppModuleOptions, slackAppModule } from "./slack.js";

export interface ModuleOptions {
  /** Where deploy-hook `secret_env` names are looked up. */
  env: Record<string, string | undefined>;
  promotions?: Omit<PromotionModuleOptions, "env">;
  slack?: Partial<Omit<SlackAppModuleOptions, "commands" | "listeners" | "promotions">>;
  drift?: DriftWiringOptions;
  extra?: AppModule[];
  /** Registered before the product's modules, so their stop hooks run after every other. */
  first?: AppModule[];
}

export function productModules(options: ModuleOptions): AppModule[] {
  const promotions = promotionAppModule({ ...options.promotions, env: options.env });
  const slack = slackAppModule({
    ...options.slack,
    commands: (_slack, ctx) => ({ ...promotions.slackCommands(), drift: driftPromoteHandler(ctx) }),
    listeners: (module, ctx) => {
      promotions.attachSlack(module);
      wireDrift(module, ctx, options.drift);
    },
    promotions: promotions.cardSource,
  });
  // Promotions register first: the Slack module's commands and buttons call into them.
  return [...(options.first ?? []), promotions, slack, ...(options.extra ?? [])];
}

export interface Composition {
  config: Config;
  modules: AppModule[];
  sandbox?: Sandbox;
}

/** Timings tests shorten; main.ts passes none. */
export interface CompositionOverrides {
  promotions?: Omit<PromotionModuleOptions, "env">;
  /** How long the sandbox's fake deployer takes to report `succeeded`. */
  sandboxDeployDelayMs?: number;
}

/** Real Slack when a bot token is set; otherwise the sandbox's emulator, page and sample traffic. */
export async function composeTollgate(
  config: Config,
  env: Record<string, string | undefined>,
  print: (text: string) => void,
  overrides: CompositionOverrides = {},
): Promise<Composition> {
  const promotions = overrides.promotions ?? {};
  if (config.mode !== "sandbox") return { config, modules: productModules({ env, promotions }) };
  const delay = overrides.sandboxDeployDelayMs;
  const sandbox = await prepareSandbox(config, {
    env,
    print,
    ...(delay === undefined ? {} : { deployDelayMs: delay }),
  });
  return {
    config: sandbox.config,
    modules: productModules({
      env: sandbox.env,
      promotions: { ...promotions, ...sandbox.promotionOptions },
      slack: sandbox.slackOptions,
      first: [sandbox.emulatorModule],
      extra: [sandbox.module],
    }),
    sandbox,
  };
}
