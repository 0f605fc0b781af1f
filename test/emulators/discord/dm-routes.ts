/**
 * Create DM (POST /users/@me/channels with `{ recipient_id }`): returns the bot's DM channel with that
 * user (type 1), the same one on every call. Opening a channel always works, as on Discord; whether the
 * user takes messages shows only when the bot posts there (403/50007, see channel-access.ts).
 */
import { ErrorCollector } from './limits.ts';
import { dmChannelObject } from './objects.ts';
import { isRecord, ok, route } from './rest-types.ts';
import type { Route, RouteContext } from './rest-types.ts';

const SNOWFLAKE = /^\d{17,20}$/;

export function dmRoutes(context: RouteContext): Route[] {
  const { state } = context;
  return [
    route('POST', '/users/@me/channels', (request) => {
      const body = isRecord(request.body) ? request.body : {};
      const recipient = body.recipient_id;
      const invalid = new ErrorCollector();
      if (recipient === undefined || recipient === null) invalid.add(['recipient_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
      else if (typeof recipient !== 'string' || !SNOWFLAKE.test(recipient)) {
        invalid.add(['recipient_id'], 'NUMBER_TYPE_COERCE', `Value "${String(recipient)}" is not snowflake.`);
      }
      const error = invalid.result();
      if (error) return { status: 400, body: error };
      return ok(dmChannelObject(state.openDm(recipient as string)));
    }),
  ];
}
