/**
 * The Discord adapter: logs the bot in (discord.js, REST base from DISCORD_API_URL), registers the slash commands
 * once ready, answers interactions, and offers a MessageSender for the delivery worker. Only this folder imports
 * discord.js.
 */
import { Client, Events, GatewayIntentBits, Status } from 'discord.js';
import type { CommandGroupDefinition } from '../../commands/definition.ts';
import { HeraldError, messageOf } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { SubscriptionService } from '../../services/subscription-service.ts';
import { DiscordSender } from './discord-sender.ts';
import { handleInteraction } from './handle-interaction.ts';
import { registerDiscordCommands } from './register-commands.ts';

export interface DiscordAdapterOptions {
  readonly token: string;
  /** REST base such as https://discord.com/api (discord.js adds /v10). */
  readonly apiUrl?: string;
  readonly guildId?: string;
  readonly groups: readonly CommandGroupDefinition[];
  readonly subscriptions: SubscriptionService;
  readonly log: Logger;
  /** Called for each 429 Discord answers (discord.js waits it out and retries by itself). */
  readonly onRateLimited?: () => void;
}

export class DiscordAdapter {
  readonly client: Client;
  readonly sender: DiscordSender;

  constructor(private readonly options: DiscordAdapterOptions) {
    const api = normaliseApiBase(options.apiUrl);
    this.client = new Client({ intents: [GatewayIntentBits.Guilds], rest: api === undefined ? {} : { api } });
    this.client.rest.setToken(options.token);
    this.sender = new DiscordSender(this.client.rest);
  }

  /** Logs in and resolves once the gateway is ready and the commands are registered. */
  async start(): Promise<void> {
    const { client, options } = this;
    const log = options.log;
    client.on(Events.InteractionCreate, (interaction) => void handleInteraction(interaction, { groups: options.groups, subscriptions: options.subscriptions, log }));
    client.on(Events.Error, (error) => log.error('Discord client error', { error }));
    client.on(Events.Warn, (message) => log.warn('Discord client warning', { message }));
    client.rest.on('response', (_request, response) => {
      if (response.status === 429) options.onRateLimited?.();
    });
    client.rest.on('rateLimited', (info) => log.warn('Discord rate limit: waiting as told', { route: info.route, retryAfterMs: info.retryAfter, global: info.global }));
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    try {
      await client.login(options.token);
    } catch (error) {
      await client.destroy();
      throw loginError(error, options.apiUrl);
    }
    await ready;
    log.info('Discord connected', { user: client.user?.tag, guilds: client.guilds.cache.size });
    await registerDiscordCommands({ rest: client.rest, applicationId: client.application!.id, guildId: options.guildId, groups: options.groups, log });
  }

  /** For readiness: logged in, and every gateway shard connected (not reconnecting, resuming or lost). */
  isConnected(): boolean {
    const { client } = this;
    return client.isReady() && client.ws.shards.size > 0 && client.ws.shards.every((shard) => shard.status === Status.Ready);
  }

  async stop(): Promise<void> {
    await this.client.destroy();
  }
}

function loginError(error: unknown, apiUrl: string | undefined): HeraldError {
  const detail = messageOf(error);
  const invalidToken = /token/i.test(detail) || (error as { status?: number }).status === 401;
  return new HeraldError('discord-login', `Discord login failed via ${apiUrl ?? 'https://discord.com/api'}: ${detail}`, {
    cause: error,
    userMessage: invalidToken
      ? 'Discord refused DISCORD_TOKEN. Copy the bot token again from the Developer Portal (Bot, Reset Token) into .env.'
      : `Could not reach Discord${apiUrl ? ` at ${apiUrl} (DISCORD_API_URL)` : ''}: ${detail}`,
  });
}

/** Accepts the base with or without a trailing slash or /v10, as people paste it. */
export function normaliseApiBase(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  return url.replace(/\/+$/, '').replace(/\/v\d+$/, '');
}
