/**
 * Composition root: builds the logger, database, stores, contracts, change bus and HTTP server,
 * registers the core routes, then hands an AppContext to each module (Slack, sandbox, readiness
 * API, promotions, drift…). No logic lives here.
 */
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type ContractRegistry,
  createContractRegistry,
  type ReloadResult,
} from "./adapters/contracts/index.js";
import { registerGithubRoutes } from "./adapters/http/github-routes.js";
import { registerHealthRoutes } from "./adapters/http/health-routes.js";
import { registerIntakeRoutes } from "./adapters/http/intake-routes.js";
import { createMetrics } from "./adapters/http/metrics.js";
import { registerReadinessRoutes } from "./adapters/http/readiness-routes.js";
import { createHttpServer, type HttpServer } from "./adapters/http/server.js";
import { createLogger, type Logger } from "./adapters/log.js";
import { startBackgroundCheckpoint } from "./adapters/sqlite/background-checkpoint.js";
import { startIntakeWriter } from "./adapters/sqlite/intake-writer.js";
import { migrate } from "./adapters/sqlite/migrate.js";
import { type Db, openDatabase } from "./adapters/sqlite/open-database.js";
import { createStores, type Stores } from "./adapters/sqlite/stores.js";
import { type Config, secretValues } from "./config.js";
import {
  createReadinessService,
  type EvaluateOptions,
  type FullReadinessService,
} from "./flows/evaluate-readiness.js";
import type { IntakeDeps } from "./flows/intake-ports.js";
import { type ChangeBus, type Clock, createChangeBus, systemClock } from "./flows/ports.js";
import { recordDeployment } from "./flows/record-deployment.js";
import { recordEvidence } from "./flows/record-evidence.js";
import { recordSnapshot } from "./flows/record-snapshot.js";
import { resolveArtifact, unknownEnvironment } from "./flows/resolve-artifact.js";

export interface AppContext {
  config: Config;
  logger: Logger;
  clock: Clock;
  db: Db;
  stores: Stores;
  bus: ChangeBus;
  contracts: ContractRegistry;
  /** The one readiness evaluation every surface uses (cards, commands, read API, approvals). */
  readiness: FullReadinessService;
  /**
   * What the promotions module knows about an artifact's entry into an environment, so the read
   * API answers "may it enter now?" with approvals (flows/entry-facts.ts). Unset without it.
   */
  entryFacts?: ((digest: string, environment: string) => EvaluateOptions) | undefined;
  /** route(), mount(), addReadinessProbe(), metrics.registry. */
  http: HttpServer;
  /** Secrets accepted on /api/v1/* writes. In sandbox mode without any configured, one random
   * secret for this process, so the sandbox page can sign its sample requests. */
  webhookSecrets: readonly string[];
  /** Runs after the listener is up, before /readyz turns ready (e.g. Socket Mode, cron jobs). */
  onStart(hook: () => void | Promise<void>): void;
  /** Runs at shutdown after requests in flight have finished, before the database closes; reverse order. */
  onStop(hook: () => void | Promise<void>): void;
}

export interface AppModule {
  name: string;
  register(ctx: AppContext): void | Promise<void>;
}

export interface AppOptions {
  modules?: AppModule[];
  clock?: Clock;
  logDestination?: NodeJS.WritableStream;
  migrationsDir?: string;
  /** How long shutdown waits for requests in flight. */
  drainMs?: number;
}

export interface App {
  context: AppContext;
  server: Server;
  listen(): Promise<AddressInfo>;
  stop(): Promise<void>;
  reloadContracts(): ReloadResult;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const webhookSecrets = sandboxSecrets(config);
  const logger = createLogger({
    level: config.logLevel,
    secrets: [...secretValues(config), ...webhookSecrets],
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const clock = options.clock ?? systemClock;
  const db = openDatabase(config.databasePath);
  let stores: Stores | undefined;
  const starts: (() => void | Promise<void>)[] = [];
  const stops: (() => void | Promise<void>)[] = [];
  try {
    const { applied } = migrate(db, ...(options.migrationsDir ? [options.migrationsDir] : []));
    if (applied.length > 0) logger.info({ applied }, "migrations applied");
    const contracts = createContractRegistry(config.contractsDir, logger);
    const metrics = createMetrics();
    const onCommit = (requests: number) => metrics.groupCommit.observe(requests);
    const opened = createStores(db, {
      onCommit,
      evidenceWriter: (fallback) =>
        startIntakeWriter(config.databasePath, {
          fallback,
          onCommit,
          onFailure: (error) =>
            logger.error(
              { err: error },
              "intake writer thread failed; evidence is written in-process from now on",
            ),
        }),
    });
    stores = opened;
    const bus = guardedBus(createChangeBus(), logger);
    starts.push(() => {
      const checkpointer = startBackgroundCheckpoint(db, config.databasePath, {
        onError: (message) => logger.warn({ message }, "background checkpoint failed"),
      });
      stops.push(() => checkpointer.stop());
    });
    const http = createHttpServer({ logger, metrics });
    const readiness = createReadinessService({
      contracts,
      artifacts: stores.artifacts,
      evidence: stores.evidence,
      deployments: stores.deployments,
      snapshots: stores.snapshots,
      locks: (now) => opened.locks.allActive(now),
      clock,
    });
    contracts.onReload(() => bus.publish({ type: "contracts_reloaded" }));
    const ctx: AppContext = {
      ...{ config, logger, clock, db, stores: opened, bus, contracts, readiness, http, webhookSecrets },
      onStart: (hook) => starts.push(hook),
      onStop: (hook) => stops.push(hook),
    };
    registerCore(ctx);
    for (const module of options.modules ?? []) {
      await module.register(ctx);
      logger.debug({ module: module.name }, "module registered");
    }
    return assemble(ctx, starts, stops, options.drainMs ?? 10_000);
  } catch (error) {
    await stores?.intake.close();
    db.close();
    throw error;
  }
}

function registerCore(ctx: AppContext): void {
  const { http, stores, db } = ctx;
  registerHealthRoutes(http);
  const ping = db.prepare("SELECT 1");
  http.addReadinessProbe("database", () => ({ ok: db.open && ping.get() !== undefined }));
  http.addReadinessProbe("contracts", () => ({
    ok: true,
    detail: `${ctx.contracts.current().contracts.size} environments`,
  }));
  const deps: IntakeDeps = { store: stores.intake, bus: ctx.bus, clock: ctx.clock };
  const environmentWarning = (environment: string) => {
    const set = ctx.contracts.current();
    return set.contracts.has(environment) ? undefined : unknownEnvironment(environment, set.order);
  };
  registerIntakeRoutes(http, {
    secrets: ctx.webhookSecrets,
    clock: ctx.clock,
    environmentWarning,
    handlers: {
      evidence: (request) => recordEvidence(deps, request),
      deployment: (request) => recordDeployment(deps, request),
      snapshot: (request) => recordSnapshot(deps, request),
    },
  });
  registerGithubRoutes(http, {
    secret: ctx.config.githubWebhookSecret,
    deps: { ...deps, artifacts: stores.artifacts },
    environmentWarning,
  });
  const resolvePorts = {
    artifacts: stores.artifacts,
    deployments: stores.deployments,
    contracts: ctx.contracts,
  };
  registerReadinessRoutes(http, {
    tokens: ctx.config.apiTokens,
    resolve: (ref, environment) => resolveArtifact(ref, environment, resolvePorts),
    evaluate: (artifact, environment) =>
      ctx.readiness.evaluateArtifact(artifact, environment, ctx.entryFacts?.(artifact.digest, environment)),
  });
}

function assemble(
  ctx: AppContext,
  starts: (() => unknown)[],
  stops: (() => unknown)[],
  drainMs: number,
): App {
  const { http, logger, db, stores, config } = ctx;
  let stopping: Promise<void> | undefined;
  return {
    context: ctx,
    server: http.server,
    async listen() {
      const address = await http.listen(config.port, config.host);
      for (const start of starts) await start();
      http.setState("ready");
      // The pid is the process to signal (SIGHUP reloads): under `npm start` it is not npm's.
      logger.info(
        { host: address.address, port: address.port, mode: config.mode, pid: process.pid },
        "listening",
      );
      return address;
    },
    stop() {
      stopping ??= (async () => {
        logger.info("shutting down: refusing new requests, finishing those in flight");
        await http.close(drainMs);
        await stores.intake.drain();
        await stores.intake.close();
        for (const stop of [...stops].reverse()) {
          try {
            await stop();
          } catch (error) {
            logger.error({ err: error }, "shutdown hook failed");
          }
        }
        db.close();
        logger.info("stopped");
      })();
      return stopping;
    },
    reloadContracts: () => ctx.contracts.reload(),
  };
}

function sandboxSecrets(config: Config): string[] {
  if (config.webhookSecrets.length > 0 || config.mode !== "sandbox") return config.webhookSecrets;
  return [randomBytes(32).toString("hex")];
}

/** A listener that throws (a card renderer, say) must neither stop the others nor turn a stored
 * write into an error for the sender. */
function guardedBus(bus: ChangeBus, logger: Logger): ChangeBus {
  return {
    publish: bus.publish,
    subscribe: (listener) =>
      bus.subscribe((event) => {
        try {
          listener(event);
        } catch (error) {
          logger.error({ err: error, event: event.type }, "change listener failed");
        }
      }),
  };
}
