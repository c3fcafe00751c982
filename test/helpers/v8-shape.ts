/**
 * Whether V8 keeps an object in fast (hidden-class) mode. Objects made once per request must: a
 * dictionary-mode one, such as an object literal with a getter, kept everything its closures
 * reached alive through minor GCs under load (src/adapters/http/server.ts).
 */
import { setFlagsFromString } from "node:v8";

setFlagsFromString("--allow-natives-syntax");
// V8's natives syntax compiles only in code compiled while the flag is on, hence new Function.
const check = new Function("object", "return %HasFastProperties(object)") as (object: object) => boolean;
setFlagsFromString("--no-allow-natives-syntax");

export function hasFastProperties(object: object): boolean {
  return check(object);
}
