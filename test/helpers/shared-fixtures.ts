/** The fixtures written by others, in `../shared/fixtures` beside the repository (CI lays it the same way). */
import { fileURLToPath } from "node:url";

export const SHARED_FIXTURES = fileURLToPath(new URL("../../../shared/fixtures", import.meta.url));
