/**
 * A reset bot token: while it lasts, every request made with the old token gets 401 `{ message: '401: Unauthorized',
 * code: 0 }`, as Discord answers once a token is reset in the developer portal; restoring it lets the same token in
 * again (what a test needs to show Herald recovering without a restart).
 */
export class TokenReset {
  #reset = false;

  get active(): boolean {
    return this.#reset;
  }

  reset(): void {
    this.#reset = true;
  }

  restore(): void {
    this.#reset = false;
  }
}
