/**
 * The application services behind every way in: slash commands on each platform, the config file and the CLI.
 * Adding a subscription checks the URL, the rule and the feed before anything is stored, and records the feed's
 * baseline so that what it holds now is never posted.
 */
import { randomBytes } from 'node:crypto';
import { HeraldError, problemOf } from '../errors.ts';
import type { Item } from '../feeds/item.ts';
import { toMessage } from '../format/message.ts';
import type { Message } from '../format/message.ts';
import { DEFAULT_TEMPLATE_WORD, parseTemplate } from '../format/template.ts';
import type { LoadedFeed, loadFeed } from '../feeds/load-feed.ts';
import { checkUrlSyntax } from '../net/address-guard.ts';
import { selectNewItems } from '../newness/select-new-items.ts';
import { nextPollTime } from '../poller/poll-interval.ts';
import { compileRule, formatReading, formatRule } from '../rules/index.ts';
import { explicitRule } from '../rules/old-precedence.ts';
import { seenItemRecords } from '../delivery/decision-records.ts';
import { ruleItemOf } from '../delivery/rule-cache.ts';
import type { RuleCache } from '../delivery/rule-cache.ts';
import type { Cache } from '../store/cache.ts';
import { DEFAULT_MAX_PARKED_PER_SUBSCRIPTION } from '../store/store.ts';
import type { Store, StoreSession } from '../store/store.ts';
import { explainItem } from './explain-item.ts';
import type { ItemExplanation } from './explain-item.ts';
import { PreviewLimiter, type Requester } from './preview-limiter.ts';
import { RecentFeeds } from './recent-feeds.ts';
import type { FeedState, Mention, Platform, Subscription } from '../store/records.ts';
import { differsFromFile } from './configured-subscriptions.ts';
import type { ConfiguredSubscription, ConfigSyncResult } from './configured-subscriptions.ts';
import type { SubscriptionDeliveryCounts } from '../store/store.ts';

export interface SubscriptionServiceOptions {
  readonly store: Store;
  readonly load: typeof loadFeed;
  /** Remembers discovered feeds and recent fetches for people (see RecentFeeds). */
  readonly cache: Cache;
  readonly rules: RuleCache;
  readonly allowPrivateUrls: boolean;
  readonly pollIntervalSeconds: number;
  /** Deliveries a paused subscription keeps for its resume (default the store's). */
  readonly maxParkedPerSubscription?: number;
  readonly clock: () => Date;
  /** /feed previews running at once in all (one per person always); default 4. */
  readonly previewsInAll?: number;
}

/** One subscription's health for /feed status. */
export interface SubscriptionStatus {
  readonly subscription: Subscription;
  /** The feed's polling state (lastPolledAt: the last successful poll). */
  readonly feed: FeedState | undefined;
  /** Its outbox, sent counted over the last day. */
  readonly deliveries: SubscriptionDeliveryCounts;
  /** Why the feed is polled less often than HERALD_POLL_INTERVAL asks, when it is. */
  readonly slowerBecause?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** What a resume brings back: the items kept while paused, and how many older ones the bound dropped. */
export interface Resumed {
  readonly subscription: Subscription;
  readonly wasPaused: boolean;
  readonly kept: number;
  readonly dropped: number;
}

export interface Workspace {
  readonly platform: Platform;
  readonly workspaceId: string;
}

export interface NewSubscription extends Workspace {
  readonly channelId: string;
  readonly channelName?: string;
  readonly url: string;
  readonly rule: string;
  readonly createdBy: string;
  /** A fixed id (config-file subscriptions keep theirs across restarts); otherwise one is made. */
  readonly id?: string;
}

export interface PreviewedItem {
  readonly item: Item;
  readonly matches: boolean;
  readonly reason: string;
  /** The item as it would be posted, with the template tried (if any) to lay it out. */
  readonly message: Message;
}

export class SubscriptionService {
  private readonly recent: RecentFeeds;
  private readonly previews: PreviewLimiter;

  constructor(private readonly options: SubscriptionServiceOptions) {
    this.recent = new RecentFeeds(options.load, options.cache);
    this.previews = new PreviewLimiter(options.previewsInAll);
  }

  async add(request: NewSubscription): Promise<{ subscription: Subscription; itemCount: number }> {
    const rule = validateRule(request.rule);
    const url = normaliseFeedUrl(request.url, this.options.allowPrivateUrls);
    const loaded = okFeed(url, await this.recent.loadForAdd(url, this.personOptions));
    const feedUrl = loaded.permanentUrl ?? loaded.url;
    const subscription = await this.options.store.transaction(async (session) => {
      const existing = (await session.subscriptions.listByFeed(feedUrl)).find(
        (candidate) => candidate.platform === request.platform && candidate.channelId === request.channelId,
      );
      if (existing !== undefined && existing.id !== request.id) {
        throw new HeraldError('duplicate-subscription', `channel ${request.channelId} already follows ${feedUrl} as ${existing.id}`, {
          userMessage: `This channel already follows ${loaded.feed.title} (subscription \`${existing.id}\`). Remove it first to change its filter.`,
        });
      }
      const skipItemIds = await this.recordBaseline(session, feedUrl, loaded.feed.title, loaded.feed.items);
      const created: Subscription = {
        id: request.id ?? newSubscriptionId(),
        platform: request.platform,
        workspaceId: request.workspaceId,
        channelId: request.channelId,
        channelName: request.channelName,
        feedUrl,
        feedTitle: loaded.feed.title,
        rule,
        createdAt: this.options.clock().toISOString(),
        createdBy: request.createdBy,
        paused: false,
        ...(skipItemIds.length > 0 ? { skipItemIds } : {}),
      };
      await session.subscriptions.put(created);
      return created;
    });
    return { subscription, itemCount: loaded.feed.items.length };
  }

  /**
   * Makes the store's config-file subscriptions of `platforms` exactly `wanted`, in one transaction and without
   * fetching anything: a feed that cannot be reached now is still watched, and its first successful poll records the
   * baseline. A kept subscription keeps its creation time, pause and skip list, and its feed keeps its state and
   * seen set, so nothing is lost or posted again; a removed one goes with its waiting deliveries.
   */
  async syncConfigured(wanted: readonly ConfiguredSubscription[], platforms: ReadonlySet<Platform>): Promise<ConfigSyncResult> {
    const now = this.options.clock().toISOString();
    return this.options.store.transaction(async (session) => {
      const existing = new Map(
        (await session.subscriptions.listConfigured()).filter((stored) => platforms.has(stored.platform)).map((stored) => [stored.id, stored]),
      );
      const result = { subscriptions: [] as Subscription[], added: [] as string[], changed: [] as string[], removed: [] as string[], skipped: [] as string[] };
      for (const request of wanted) {
        const previous = existing.get(request.id);
        existing.delete(request.id);
        const chatTwin = (await session.subscriptions.listByFeed(request.feedUrl)).find(
          (other) => other.source !== 'config' && other.platform === request.platform && other.channelId === request.channelId,
        );
        if (chatTwin !== undefined) {
          result.skipped.push(
            `${request.declaredAt}: channel ${request.channelId} already follows ${request.feedUrl} through ${chatTwin.id}, made in chat; ` +
              `remove that one with /feed remove ${chatTwin.id} and the file's entry takes over at the next reload`,
          );
          continue;
        }
        const subscription: Subscription = {
          id: request.id,
          platform: request.platform,
          workspaceId: request.workspaceId,
          channelId: request.channelId,
          channelName: request.channelName,
          feedUrl: request.feedUrl,
          feedTitle: request.feedTitle ?? previous?.feedTitle ?? request.feedUrl,
          rule: validateRule(request.rule),
          createdAt: previous?.createdAt ?? now,
          createdBy: request.declaredAt,
          paused: previous?.paused ?? false,
          ...(previous?.pausedReason !== undefined ? { pausedReason: previous.pausedReason } : {}),
          ...(previous?.skipItemIds !== undefined ? { skipItemIds: previous.skipItemIds } : {}),
          source: 'config',
          ...(request.intervalSeconds !== undefined ? { intervalSeconds: request.intervalSeconds } : {}),
          ...(request.entry.template !== undefined ? { template: request.entry.template } : {}),
          ...(request.entry.mention !== undefined ? { mention: configuredMention(request.entry.mention, previous) } : {}),
        };
        if (previous === undefined) result.added.push(subscription.id);
        else if (differsFromFile(previous, subscription)) result.changed.push(subscription.id);
        if (previous === undefined || differsFromFile(previous, subscription) || previous.feedTitle !== subscription.feedTitle) {
          await session.subscriptions.put(subscription);
        }
        result.subscriptions.push(subscription);
      }
      for (const stale of existing.values()) {
        await session.subscriptions.delete(stale.id);
        result.removed.push(stale.id);
      }
      return result;
    });
  }

  list(workspace: Workspace, channelId?: string): Promise<Subscription[]> {
    return this.options.store.subscriptions.listByWorkspace(workspace.platform, workspace.workspaceId, channelId);
  }

  async find(workspace: Workspace, id: string): Promise<Subscription> {
    const subscription = await this.options.store.subscriptions.get(id.trim());
    if (subscription === undefined || subscription.platform !== workspace.platform || subscription.workspaceId !== workspace.workspaceId) {
      throw new HeraldError('subscription-not-found', `no subscription ${id} in ${workspace.platform}:${workspace.workspaceId}`, {
        userMessage: `There is no subscription \`${id}\` here. \`/feed list\` shows this server's subscriptions and their ids.`,
      });
    }
    return subscription;
  }

  async remove(workspace: Workspace, id: string): Promise<Subscription> {
    const subscription = await this.findChangeable(workspace, id, 'removed');
    await this.options.store.subscriptions.delete(subscription.id);
    return subscription;
  }

  /**
   * A subscription chat may change: one declared in the config file is the file's, so chat is told where to change
   * it (`action`: what was asked, "removed"). Other commands that rewrite a subscription (filter, format, mention)
   * should find it through here too.
   */
  async findChangeable(workspace: Workspace, id: string, action: string): Promise<Subscription> {
    const subscription = await this.find(workspace, id);
    if (subscription.source === 'config') {
      throw new HeraldError('configured-subscription', `subscription ${subscription.id} comes from ${subscription.createdBy} and cannot be ${action} from chat`, {
        userMessage:
          `\`${subscription.id}\` is declared in the config file (${subscription.createdBy}), so it is ${action} there: ` +
          'edit that entry and Herald reloads the file on its own. `/feed pause` stops it for now.',
      });
    }
    return subscription;
  }

  async setPaused(workspace: Workspace, id: string, paused: boolean, reason?: string): Promise<Subscription> {
    const subscription = await this.find(workspace, id);
    const updated = await this.options.store.subscriptions.setPaused(subscription.id, paused, paused ? reason : undefined, this.options.clock());
    return updated ?? subscription;
  }

  /** The health of a workspace's subscriptions (optionally one channel's), oldest first. */
  async status(workspace: Workspace, channelId?: string): Promise<SubscriptionStatus[]> {
    const subscriptions = await this.list(workspace, channelId);
    const now = this.options.clock();
    const counts = await this.options.store.deliveries.countsBySubscription(subscriptions.map(({ id }) => id), new Date(now.getTime() - DAY_MS));
    const feeds = new Map<string, FeedState | undefined>();
    for (const url of new Set(subscriptions.map(({ feedUrl }) => feedUrl))) feeds.set(url, await this.options.store.feeds.get(url));
    return subscriptions.map((subscription) => {
      const feed = feeds.get(subscription.feedUrl);
      const slowerBecause = feed === undefined ? undefined : this.slowerBecause(feed);
      return { subscription, feed, deliveries: counts.get(subscription.id)!, ...(slowerBecause === undefined ? {} : { slowerBecause }) };
    });
  }

  private slowerBecause(feed: FeedState): string | undefined {
    const asked = this.options.pollIntervalSeconds;
    if (feed.consecutiveFailures > 0) return `it failed ${feed.consecutiveFailures} ${feed.consecutiveFailures === 1 ? 'time' : 'times'} in a row, so Herald backs off`;
    const minimum = feed.minIntervalSeconds;
    if (minimum === undefined || minimum <= asked) return undefined;
    const what = feed.minIntervalSource === 'max-age' ? "the site's Cache-Control max-age" : "the feed's <ttl>";
    return `${what} asks for at least ${spell(minimum)} between polls (Herald is set to ${spell(asked)})`;
  }

  /** How many of its new items a paused subscription keeps for /feed resume. */
  get maxParkedPerSubscription(): number {
    return this.options.maxParkedPerSubscription ?? DEFAULT_MAX_PARKED_PER_SUBSCRIPTION;
  }

  /** Resumes a subscription: what it kept while paused becomes due, in order. Says how many were kept and dropped. */
  async resume(workspace: Workspace, id: string): Promise<Resumed> {
    const subscription = await this.find(workspace, id);
    const now = this.options.clock();
    const counts = (await this.options.store.deliveries.countsBySubscription([subscription.id], now)).get(subscription.id);
    const updated = await this.options.store.subscriptions.setPaused(subscription.id, false, undefined, now);
    return { subscription: updated ?? subscription, wasPaused: subscription.paused, kept: counts?.parked ?? 0, dropped: subscription.parkedDropped ?? 0 };
  }

  /**
   * Changes a subscription's own rule in place: it keeps its id, creation time, pause and pending posts, and since
   * the feed's seen items stay seen, nothing already in the feed is posted because of the new rule.
   */
  async setRule(workspace: Workspace, id: string, rule: string): Promise<Subscription> {
    const source = validateRule(rule);
    const subscription = await this.findChangeable(workspace, id, 'filtered');
    return (await this.options.store.subscriptions.setRule(subscription.id, source)) ?? subscription;
  }

  /** Sets whom the subscription's posts ping (its rule checked first), or with undefined, that they ping nobody. */
  async setMention(workspace: Workspace, id: string, mention: Mention | undefined): Promise<Subscription> {
    const checked = mention === undefined ? undefined : { ...mention, ...(mention.rule === undefined ? {} : { rule: validateRule(mention.rule) }) };
    const subscription = await this.findChangeable(workspace, id, 'given a mention');
    const stored = checked === undefined || checked.rule !== '' ? checked : { roleId: checked.roleId, roleName: checked.roleName };
    return (await this.options.store.subscriptions.setMention(subscription.id, stored)) ?? subscription;
  }

  /**
   * Sets the layout of a subscription's posts from now on; `default` (or nothing) goes back to Herald's own. A
   * template with an unknown placeholder is refused with a did-you-mean. Items already waiting keep their layout.
   */
  async setTemplate(workspace: Workspace, id: string, template: string): Promise<Subscription> {
    const subscription = await this.findChangeable(workspace, id, 'laid out');
    const source = validateTemplate(template);
    return (await this.options.store.subscriptions.setTemplate(subscription.id, source)) ?? subscription;
  }

  /**
   * The feed's latest items (newest first, at most `limit`), each with the rule's verdict and its reason and the
   * message it would be posted as (laid out by `template` when one is given), and the rule's parenthesised reading.
   */
  async preview(url: string, rule: string, limit = 10, requester?: Requester, template = ''): Promise<{ feedUrl: string; feedTitle: string; itemCount: number; items: PreviewedItem[]; rule: string; template?: string }> {
    const source = validateRule(rule);
    const layout = validateTemplate(template);
    const feedUrl = normaliseFeedUrl(url, this.options.allowPrivateUrls);
    const loaded = okFeed(feedUrl, await this.previews.run(requester, () => this.recent.loadForPreview(feedUrl, this.personOptions)));
    const latest = newestFirst(loaded.feed.items).slice(0, limit);
    const items = latest.map((item) => {
      const verdict = this.options.rules.evaluate(source, ruleItemOf(item, loaded.feed.title));
      const message = toMessage(item, loaded.feed.title);
      return { item, matches: verdict.matches, reason: verdict.reason, message: layout === undefined ? message : { ...message, template: layout } };
    });
    return {
      feedUrl: loaded.url, feedTitle: loaded.feed.title, itemCount: loaded.feed.items.length, items, rule: ruleReading(source),
      ...(layout === undefined ? {} : { template: layout }),
    };
  }

  /** `/feed why`: whether the item behind a link was seen, and per subscription here whether it was posted, and why. */
  why(workspace: Workspace, link: string): Promise<ItemExplanation> {
    return explainItem(this.options.store, workspace, link);
  }

  private get personOptions() {
    return { allowPrivate: this.options.allowPrivateUrls, discover: true };
  }


  /**
   * Makes sure nothing the feed holds now is ever posted to a new subscription. With nobody else following the
   * feed, its items are simply marked seen (the first time, this is the baseline; later, it refreshes a seen set
   * that went stale while nobody polled). With others following it, the few items not yet seen must still reach
   * them, so they are returned to be skipped for the new subscription alone.
   */
  private async recordBaseline(session: StoreSession, feedUrl: string, title: string, items: readonly Item[]): Promise<string[]> {
    const seen = await session.seen.get(feedUrl);
    const newness = selectNewItems(items, seen);
    const othersFollow = (await session.subscriptions.listByFeed(feedUrl)).some((subscription) => !subscription.paused);
    if (seen !== undefined && othersFollow) return newness.newItems.map((item) => item.id);
    await session.seen.save(feedUrl, newness.seen);
    const now = this.options.clock();
    // Marked seen without a decision: /feed why says they were in the feed before the subscription.
    await session.decisions.record(seenItemRecords(feedUrl, seen === undefined ? items : newness.newItems, now, true), []);
    const state = (await session.feeds.get(feedUrl)) ?? { url: feedUrl, consecutiveFailures: 0 };
    await session.feeds.save({
      ...state,
      title,
      lastPolledAt: now.toISOString(),
      nextPollAt: nextPollTime(feedUrl, now, this.options.pollIntervalSeconds, true).toISOString(),
    });
    return [];
  }
}

/** A config entry's mention as stored: the role's name is not in the file, so a kept one keeps the name it had. */
function configuredMention(mention: { role: string; when?: string }, previous: Subscription | undefined): Mention {
  const roleName = previous?.mention?.roleId === mention.role ? previous.mention.roleName : mention.role;
  return { roleId: mention.role, roleName, ...(mention.when !== undefined && mention.when !== '' ? { rule: mention.when } : {}) };
}

/** Checks a rule and returns its text trimmed; a malformed rule throws the parser's error (position and hint). */
export function validateRule(rule: string): string {
  const source = rule.trim();
  compileRule(source);
  return source;
}

/**
 * Checks a template and returns it trimmed, or undefined for Herald's own layout ('' or `default`); an unknown
 * placeholder or an unclosed brace throws the template's error (with a did-you-mean).
 */
export function validateTemplate(template: string): string | undefined {
  const source = template.trim();
  if (source === '' || source.toLowerCase() === DEFAULT_TEMPLATE_WORD) return undefined;
  parseTemplate(source);
  return source;
}

/**
 * How a rule is shown to people: its fully parenthesised reading, `(kafka OR "event streaming") AND NOT
 * title:sponsored`, so nobody has to guess which operator binds tighter; '' for an empty rule. A stored rule
 * that no longer compiles is shown as stored.
 */
export function ruleReading(rule: string): string {
  try {
    return formatReading(compileRule(rule.trim()));
  } catch {
    return rule.trim();
  }
}

/** The validator the config loader wants: the rule's error message, or undefined when it is fine. */
export function ruleProblem(rule: string): string | undefined {
  return problemOf(() => validateRule(rule));
}

/**
 * The warning the config loader wants for a valid rule that Herald reads differently since OR came to bind tighter
 * than a space (the file is not rewritten, as stored rules were): both readings, parenthesised, and how to keep the
 * old one; undefined for a rule that reads as it did.
 */
export function rulePrecedenceWarning(rule: string): string | undefined {
  const source = rule.trim();
  const before = explicitRule(source);
  if (before === undefined) return undefined;
  const now = formatRule(compileRule(source));
  return (
    `now reads \`${now}\` (OR binds tighter than a space), where it read \`${before}\` before; ` +
    `to keep the old meaning write \`${before}\`, or write \`${now}\` to keep the new one: either silences this warning`
  );
}

/** Accepts what people paste: surrounding <> or spaces, and a missing scheme (https is assumed). */
export function normaliseFeedUrl(input: string, allowPrivate: boolean): string {
  let text = input.trim().replace(/^<(.*)>$/s, '$1').trim();
  if (/^[@#]/.test(text)) {
    throw new HeraldError('invalid-url', `A mention or channel given as a feed URL: ${JSON.stringify(text)}`, {
      userMessage: `${text} is a mention or a channel, not a web address. Give the feed's URL, such as https://example.com/feed.xml`,
    });
  }
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) text = `https://${text}`;
  return checkUrlSyntax(text, { allowPrivate }).toString();
}

function okFeed(url: string, loaded: LoadedFeed): Extract<LoadedFeed, { status: 'ok' }> {
  if (loaded.status !== 'ok') throw new HeraldError('unexpected-not-modified', `unconditional fetch of ${url} answered not modified`);
  return loaded;
}

function newestFirst(items: readonly Item[]): Item[] {
  const dated = items.every((item) => (item.published ?? item.updated) !== undefined);
  if (!dated) return [...items];
  return [...items].sort((a, b) => (b.published ?? b.updated)!.getTime() - (a.published ?? a.updated)!.getTime());
}

/** 90 → "1 min 30 s", 3600 → "60 min", 7200 → "2 h". */
export function spell(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 2 * 3600) return `${Math.floor(seconds / 60)} min${seconds % 60 ? ` ${Math.round(seconds % 60)} s` : ''}`;
  return `${Math.round((seconds / 3600) * 10) / 10} h`;
}

function newSubscriptionId(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return [...randomBytes(6)].map((byte) => alphabet[byte % alphabet.length]).join('');
}
