/**
 * The one place where what the config file says beyond a subscription's feed, channel, rule and interval reaches
 * the layers that act on it: admin rules per workspace (`rules:`), a subscription's `template` and its `mention`.
 * Those layers are built apart from the file's loading; until they are connected here, this says, per entry and
 * line, what the file asks for that this build does not apply, so that no operator is misled. Called after every
 * sync (start and reload) with the plan that was synced.
 */
import type { ConfiguredPlan } from './configured-subscriptions.ts';

export function applyConfiguredSettings(plan: ConfiguredPlan, sourceName: string): string[] {
  const warnings: string[] = [];
  for (const subscription of plan.subscriptions) {
    const { entry } = subscription;
    const unapplied = [entry.template !== undefined && 'template', entry.mention !== undefined && 'mention'].filter(Boolean);
    if (unapplied.length > 0) {
      warnings.push(`${subscription.declaredAt}: ${unapplied.join(' and ')} ${unapplied.length === 1 ? 'is' : 'are'} checked but not applied by this build yet; the subscription posts with the default layout and pings nobody`);
    }
  }
  for (const rule of plan.rules) {
    warnings.push(`${sourceName}:${rule.line}: the admin rule for ${rule.platform} workspace ${rule.workspace} is checked but not applied by this build yet`);
  }
  return warnings;
}
