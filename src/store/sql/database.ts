/**
 * The SQL schema as Kysely sees it: one interface per table, with the column types both engines hand back
 * (times are epoch milliseconds, booleans 0/1, JSON columns text). Migrations 001 and 003 create these tables.
 */
import type { Generated, Kysely } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

export interface SubscriptionsTable {
  id: string;
  platform: string;
  workspace_id: string;
  channel_id: string;
  channel_name: string | null;
  feed_url: string;
  feed_title: string;
  rule: string;
  created_at: number;
  created_by: string;
  paused: number;
  paused_reason: string | null;
  /** JSON array of item ids, or null. */
  skip_item_ids: string | null;
  /** 'config' for a config-file subscription, null for one made in chat (migration 009). */
  source: string | null;
  interval_seconds: number | null;
  /** The role or user group /feed mention pings, its name when set, and the rule an item must also match (migration 007). */
  mention_role_id: string | null;
  mention_role_name: string | null;
  mention_rule: string | null;
  /** Parked deliveries dropped (oldest first) while paused, past the bound (migration 011); kept by the store alone. */
  parked_dropped: Generated<number>;
  /** The posts' layout (migration 008), or null for Herald's own. */
  template: string | null;
}

export interface WorkspaceRulesTable {
  platform: string;
  workspace_id: string;
  rule: string;
  set_by: string;
  set_at: number;
}

export interface FeedsTable {
  url: string;
  title: string | null;
  etag: string | null;
  /** The site's Last-Modified header as it sent it (an HTTP date, not a time of ours). */
  last_modified: string | null;
  last_polled_at: number | null;
  /** Null: due at once. */
  next_poll_at: number | null;
  min_interval_seconds: number | null;
  /** 'ttl' | 'max-age': what set min_interval_seconds (migration 011). */
  min_interval_source: string | null;
  consecutive_failures: number;
  last_error: string | null;
  failing_since: number | null;
  /** The seen set's identity ('id' | 'link'); null while the feed has no seen set (an empty one is not null). */
  seen_identity: string | null;
  lease_owner: string | null;
  lease_until: number | null;
}

export interface SeenItemsTable {
  feed_url: string;
  kind: 'key' | 'link';
  value: string;
  /** Ascending within (feed_url, kind) in the seen set's order; not necessarily dense. */
  position: number;
}

export interface DeliveriesTable {
  /** Insertion order, the order a channel's deliveries are sent in. */
  seq: Generated<number>;
  id: string;
  subscription_id: string;
  platform: string;
  channel_id: string;
  item_id: string;
  /** JSON of a StoredMessage. */
  message: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  state: string;
  sent_at: number | null;
  /** Set while a post without an idempotency key is under way (migration 005). */
  sending_since: number | null;
}

export interface ChannelsTable {
  platform: string;
  channel_id: string;
  /** When the channel's oldest pending delivery is due; null when it has none. */
  next_due_at: number | null;
  lease_owner: string | null;
  lease_until: number | null;
}

export interface GatewayShardsTable {
  shard_count: number;
  shard_id: number;
  lease_owner: string | null;
  lease_until: number | null;
}

export interface GatewayMembersTable {
  owner: string;
  seen_until: number;
}

export interface GatewayIdentifyTable {
  /** shard_id % max_concurrency */
  bucket: number;
  next_at: number;
}

/** An item a poll saw (migration 006). */
export interface SeenItemRecordsTable {
  seq: Generated<number>;
  feed_url: string;
  item_id: string;
  item_link: string | null;
  link_key: string | null;
  item_title: string;
  first_seen_at: number;
  baseline: number;
}

/** The router's decision on one item for one subscription (migration 006). */
export interface ItemDecisionsTable {
  feed_url: string;
  item_id: string;
  subscription_id: string;
  delivered: number;
  reason: string;
  decided_at: number;
}

export interface Database {
  subscriptions: SubscriptionsTable;
  feeds: FeedsTable;
  seen_items: SeenItemsTable;
  deliveries: DeliveriesTable;
  channels: ChannelsTable;
  gateway_shards: GatewayShardsTable;
  gateway_members: GatewayMembersTable;
  gateway_identify: GatewayIdentifyTable;
  seen_item_records: SeenItemRecordsTable;
  item_decisions: ItemDecisionsTable;
  workspace_rules: WorkspaceRulesTable;
}

/** A connection or a transaction on the schema, and which engine it talks to. */
export interface SqlContext {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
}
