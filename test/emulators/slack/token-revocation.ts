/**
 * A bot token Slack no longer takes: while revoked, every Web API call made with it answers HTTP 200 with
 * `ok: false` and the error Slack gives (`invalid_auth`, `token_revoked` after an uninstall or rotation,
 * `account_inactive` when the bot user or workspace was deactivated); restoring it lets it in again.
 */
export type BotTokenRefusal = 'invalid_auth' | 'token_revoked' | 'account_inactive';

export class BotTokenRevocation {
  #refusal: BotTokenRefusal | undefined;

  get refusal(): BotTokenRefusal | undefined {
    return this.#refusal;
  }

  revoke(refusal: BotTokenRefusal): void {
    this.#refusal = refusal;
  }

  restore(): void {
    this.#refusal = undefined;
  }
}
