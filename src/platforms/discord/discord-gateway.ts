/**
 * Discord's gateway side of Herald: registers the slash commands, then connects the gateway shards this process
 * is given by the ShardCoordinator, one discord.js Client per shard, and answers the interactions that arrive
 * on them. IDENTIFYs wait for their bucket's slot in the store, so the cluster as a whole keeps Discord's
 * max_concurrency. Only this folder imports discord.js.
 */
import { Client, Events, GatewayIntentBits, Routes, Status } from 'discord.js';
import type { REST, RESTGetAPIGatewayBotResult } from 'discord.js';
import type { CommandGroupDefinition } from '../../commands/definition.ts';
import { HeraldError, messageOf } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { SubscriptionService } from '../../services/subscription-service.ts';
import type { WorkspaceRules } from '../../services/workspace-rules.ts';
import { DiscordRoles } from './discord-roles.ts';
import type { ShardRepository } from '../../store/store.ts';
import { normaliseApiBase, watchRateLimits } from './discord-rest.ts';
import { handleInteraction } from './handle-interaction.ts';
import { registerDiscordCommands } from './register-commands.ts';
import { ShardCoordinator } from './shard-coordinator.ts';

/** Discord: each rate-limit bucket may IDENTIFY once per 5 seconds. */
const IDENTIFY_SPACING_MS = 5_000;
const READY_TIMEOUT_MS = 60_000;

export interface DiscordGatewayOptions {
  readonly token: string;
  readonly apiUrl?: string;
  readonly guildId?: string;
  readonly groups: readonly CommandGroupDefinition[];
  readonly subscriptions: SubscriptionService;
  readonly workspaceRules: WorkspaceRules;
  /** The process's REST client (discord-rest.ts): commands are registered and /gateway/bot is read with it. */
  readonly rest: REST;
  readonly shards: ShardRepository;
  readonly shardCount: number | 'auto';
  readonly owner: string;
  readonly leaseMs: number;
  readonly clock: () => Date;
  readonly log: Logger;
  readonly onRateLimited?: () => void;
  readonly onStoreError?: (error: unknown) => void;
}

export class DiscordGateway {
  private readonly clients = new Map<number, Client>();
  private readonly coordinator: ShardCoordinator;
  private gatewayInfo: Promise<RESTGetAPIGatewayBotResult> | undefined;

  constructor(private readonly options: DiscordGatewayOptions) {
    this.coordinator = new ShardCoordinator({
      shards: options.shards,
      owner: options.owner,
      shardCount: options.shardCount,
      recommendedShardCount: async () => (await this.gatewayBot()).shards,
      connector: { connect: (shardId, shardCount) => this.connect(shardId, shardCount), disconnect: (shardId) => this.disconnect(shardId) },
      leaseMs: options.leaseMs,
      clock: options.clock,
      log: options.log,
      onStoreError: options.onStoreError,
    });
  }

  /** Checks the token, registers the commands, and connects this process's first share of the shards. */
  async start(): Promise<void> {
    const { options } = this;
    let applicationId: string;
    try {
      await this.gatewayBot();
      applicationId = ((await options.rest.get(Routes.currentApplication())) as { id: string }).id;
    } catch (error) {
      throw loginError(error, options.apiUrl);
    }
    await registerDiscordCommands({ rest: options.rest, applicationId, guildId: options.guildId, groups: options.groups, log: options.log });
    await this.coordinator.start();
    options.log.info('Discord gateway running', { shards: this.coordinator.heldShards().join(',') || 'none (other processes hold them all)', shardCount: this.coordinator.shardCount });
  }

  /** For readiness: every shard this process holds is connected (holding none, while others hold them all, is fine). */
  isConnected(): boolean {
    return [...this.clients.values()].every((client) => client.isReady() && client.ws.shards.every((shard) => shard.status === Status.Ready));
  }

  heldShards(): number[] {
    return this.coordinator.heldShards();
  }

  async stop(): Promise<void> {
    await this.coordinator.stop();
  }

  private gatewayBot(): Promise<RESTGetAPIGatewayBotResult> {
    this.gatewayInfo ??= (this.options.rest.get(Routes.gatewayBot()) as Promise<RESTGetAPIGatewayBotResult>).catch((error: unknown) => {
      this.gatewayInfo = undefined;
      throw error;
    });
    return this.gatewayInfo;
  }

  private async connect(shardId: number, shardCount: number): Promise<void> {
    const { options } = this;
    const api = normaliseApiBase(options.apiUrl);
    const maxConcurrency = Math.max(1, (await this.gatewayBot()).session_start_limit.max_concurrency);
    const shards = options.shards;
    const clock = options.clock;
    const client = new Client({
      intents: [GatewayIntentBits.Guilds],
      shards: [shardId],
      shardCount,
      rest: api === undefined ? {} : { api },
      ws: {
        buildIdentifyThrottler: () => ({
          async waitForIdentify(id: number, signal: AbortSignal) {
            for (;;) {
              const waitMs = await shards.takeIdentifySlot(id % maxConcurrency, clock(), IDENTIFY_SPACING_MS);
              if (waitMs === 0) return;
              await abortableDelay(waitMs, signal);
            }
          },
        }),
      },
    });
    this.clients.set(shardId, client);
    const log = options.log.child({ shard: shardId });
    const roles = new DiscordRoles(options.rest);
    client.on(Events.InteractionCreate, (interaction) => void handleInteraction(interaction, { groups: options.groups, subscriptions: options.subscriptions, workspaceRules: options.workspaceRules, roles, log }));
    client.on(Events.Error, (error) => log.error('Discord client error', { error }));
    client.on(Events.Warn, (message) => log.warn('Discord client warning', { message }));
    watchRateLimits(client.rest, { log, onRateLimited: options.onRateLimited });
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`shard ${shardId} was not ready within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
      client.once(Events.ClientReady, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    try {
      await client.login(options.token);
      await ready;
    } catch (error) {
      throw loginError(error, options.apiUrl);
    }
  }

  private async disconnect(shardId: number): Promise<void> {
    const client = this.clients.get(shardId);
    this.clients.delete(shardId);
    await client?.destroy();
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function loginError(error: unknown, apiUrl: string | undefined): HeraldError {
  if (error instanceof HeraldError) return error;
  const detail = messageOf(error);
  const invalidToken = /token/i.test(detail) || (error as { status?: number }).status === 401;
  return new HeraldError('discord-login', `Discord login failed via ${apiUrl ?? 'https://discord.com/api'}: ${detail}`, {
    cause: error,
    userMessage: invalidToken
      ? 'Discord refused DISCORD_TOKEN. Copy the bot token again from the Developer Portal (Bot, Reset Token) into .env.'
      : `Could not reach Discord${apiUrl ? ` at ${apiUrl} (DISCORD_API_URL)` : ''}: ${detail}`,
  });
}
