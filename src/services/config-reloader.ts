/**
 * Keeps the store's config-file subscriptions in step with the file: at start, and whenever the file changes or
 * the process gets SIGHUP. A file that no longer validates is logged with every problem and its line, and the
 * running configuration stays; a valid one is synced (see SubscriptionService.syncConfigured), so a feed's state,
 * seen set and deliveries survive any edit that keeps its subscription.
 */
import { ConfigError } from '../config/config-error.ts';
import type { LoadedConfig } from '../config/load-config.ts';
import { messageOf } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Platform } from '../store/records.ts';
import { planConfiguredSubscriptions } from './configured-subscriptions.ts';
import type { ConfigSyncResult } from './configured-subscriptions.ts';
import type { SubscriptionService } from './subscription-service.ts';
import type { WorkspaceRules } from './workspace-rules.ts';

export interface ConfigReloaderOptions {
  /** Reads and validates the configuration the way start and check-config do; throws a ConfigError. */
  readonly read: () => LoadedConfig;
  readonly subscriptions: SubscriptionService;
  /** Where the file's admin rules (`rules:`) go. */
  readonly workspaceRules: WorkspaceRules;
  readonly platforms: ReadonlySet<Platform>;
  readonly log: Logger;
  /** Hears each sync: the console adapter shows what it now watches. */
  readonly onSynced?: (result: ConfigSyncResult, reloaded: boolean) => void;
}

export class ConfigReloader {
  constructor(private readonly options: ConfigReloaderOptions) {}

  /** Syncs a configuration already read (start-up's); store errors go to the caller. */
  async apply(config: LoadedConfig, reloadReason?: string): Promise<ConfigSyncResult> {
    const reloaded = reloadReason !== undefined;
    const { log, platforms } = this.options;
    for (const warning of config.file.warnings) log.warn(warning);
    const plan = planConfiguredSubscriptions(config.file, config.sourceName, platforms);
    const result = await this.options.subscriptions.syncConfigured(plan.subscriptions, platforms);
    const rules = await this.options.workspaceRules.syncConfigured(plan.rules, config.sourceName, platforms);
    for (const warning of [...plan.warnings, ...result.skipped]) log.warn(warning);
    const counts = {
      file: config.sourceName, subscriptions: result.subscriptions.length, added: result.added.length, changed: result.changed.length, removed: result.removed.length,
      adminRules: rules.set, adminRulesRemoved: rules.removed,
    };
    if (reloaded) log.info('config file reloaded', { ...counts, reason: reloadReason });
    else log.info('config file subscriptions synced', counts);
    this.options.onSynced?.(result, reloaded);
    return result;
  }

  /** Reads the file again; never throws (a reload that fails leaves Herald as it was, and says why). */
  async reload(reason: string): Promise<void> {
    const { log } = this.options;
    let config: LoadedConfig;
    try {
      config = this.options.read();
    } catch (error) {
      if (!(error instanceof ConfigError)) {
        log.error('the config file could not be reloaded; Herald keeps running with the configuration it had', { reason, error: messageOf(error) });
        return;
      }
      log.error('the config file has problems; Herald keeps running with the configuration it had until they are fixed', { reason, problems: error.problems.length });
      for (const problem of error.problems) log.error(problem);
      return;
    }
    try {
      await this.apply(config, reason);
    } catch (error) {
      log.error('the config file could not be applied (store error); it is tried again at its next change or SIGHUP', { reason, error: messageOf(error) });
    }
  }
}
