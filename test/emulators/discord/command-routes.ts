/**
 * Application command routes, global and per guild: bulk overwrite (PUT), list, create, fetch, edit,
 * delete. Bodies are validated (command-validation.ts) and the stored commands keep their id when a
 * bulk overwrite repeats a name, as on Discord.
 */
import { validateCommand, validateCommandList } from './command-validation.ts';
import { errors, isRecord, noContent, ok, route } from './rest-types.ts';
import type { RestRequest, RestResponse, Route, RouteContext } from './rest-types.ts';
import type { StoredCommand } from './state.ts';

type Scope = { list: StoredCommand[]; guildId?: string } | { refusal: RestResponse };

export function commandRoutes(context: RouteContext): Route[] {
  const { state } = context;

  const scopeOf = (appId: string, guildId?: string): Scope => {
    if (appId !== state.applicationId) return { refusal: errors.missingAccess() };
    if (guildId === undefined) return { list: state.commandsFor(undefined) };
    const guild = state.guilds.get(guildId);
    if (!guild?.member) return { refusal: errors.missingAccess() };
    return { list: state.commandsFor(guildId), guildId };
  };

  const store = (body: Record<string, unknown>, guildId: string | undefined, id: string): StoredCommand => {
    const type = typeof body.type === 'number' ? body.type : 1;
    const command: StoredCommand = {
      ...body,
      id,
      application_id: state.applicationId,
      version: state.snowflakes.next(),
      type,
      name: String(body.name),
      description: typeof body.description === 'string' ? body.description : '',
      default_member_permissions: body.default_member_permissions ?? null,
      nsfw: body.nsfw === true,
    };
    if (guildId !== undefined) command.guild_id = guildId;
    else {
      command.integration_types = body.integration_types ?? [0];
      command.contexts = body.contexts ?? null;
    }
    return command;
  };

  const sameCommand = (a: Record<string, unknown>) => (b: StoredCommand) => b.name === a.name && b.type === (a.type ?? 1);

  const overwrite = (request: RestRequest, scope: Scope): RestResponse => {
    if ('refusal' in scope) return scope.refusal;
    const invalid = validateCommandList(request.body);
    if (invalid) return { status: 400, body: invalid };
    const next = (request.body as Array<Record<string, unknown>>).map((body) =>
      store(body, scope.guildId, scope.list.find(sameCommand(body))?.id ?? state.snowflakes.next()),
    );
    scope.list.splice(0, scope.list.length, ...next);
    return ok(next);
  };

  const create = (request: RestRequest, scope: Scope): RestResponse => {
    if ('refusal' in scope) return scope.refusal;
    const invalid = validateCommand(request.body);
    if (invalid) return { status: 400, body: invalid };
    const body = request.body as Record<string, unknown>;
    const index = scope.list.findIndex(sameCommand(body));
    const command = store(body, scope.guildId, index >= 0 ? scope.list[index]!.id : state.snowflakes.next());
    if (index >= 0) scope.list[index] = command;
    else scope.list.push(command);
    return ok(command, index >= 0 ? 200 : 201);
  };

  const edit = (request: RestRequest, scope: Scope, commandId: string): RestResponse => {
    if ('refusal' in scope) return scope.refusal;
    const index = scope.list.findIndex((c) => c.id === commandId);
    if (index < 0) return errors.unknownCommand();
    const merged = { ...scope.list[index], ...(isRecord(request.body) ? request.body : {}) };
    const invalid = validateCommand(merged);
    if (invalid) return { status: 400, body: invalid };
    scope.list[index] = store(merged, scope.guildId, commandId);
    return ok(scope.list[index]);
  };

  const remove = (scope: Scope, commandId: string): RestResponse => {
    if ('refusal' in scope) return scope.refusal;
    const index = scope.list.findIndex((c) => c.id === commandId);
    if (index < 0) return errors.unknownCommand();
    scope.list.splice(index, 1);
    return noContent();
  };

  const fetchOne = (scope: Scope, commandId: string): RestResponse => {
    if ('refusal' in scope) return scope.refusal;
    const command = scope.list.find((c) => c.id === commandId);
    return command ? ok(command) : errors.unknownCommand();
  };

  const global = '/applications/:app/commands';
  const guild = '/applications/:app/guilds/:guild/commands';
  return [
    route('GET', global, (_r, [app = '']) => {
      const scope = scopeOf(app);
      return 'refusal' in scope ? scope.refusal : ok(scope.list);
    }),
    route('PUT', global, (r, [app = '']) => overwrite(r, scopeOf(app))),
    route('POST', global, (r, [app = '']) => create(r, scopeOf(app))),
    route('GET', `${global}/:command`, (_r, [app = '', id = '']) => fetchOne(scopeOf(app), id)),
    route('PATCH', `${global}/:command`, (r, [app = '', id = '']) => edit(r, scopeOf(app), id)),
    route('DELETE', `${global}/:command`, (_r, [app = '', id = '']) => remove(scopeOf(app), id)),
    route('GET', guild, (_r, [app = '', g = '']) => {
      const scope = scopeOf(app, g);
      return 'refusal' in scope ? scope.refusal : ok(scope.list);
    }),
    route('PUT', guild, (r, [app = '', g = '']) => overwrite(r, scopeOf(app, g))),
    route('POST', guild, (r, [app = '', g = '']) => create(r, scopeOf(app, g))),
    route('GET', `${guild}/:command`, (_r, [app = '', g = '', id = '']) => fetchOne(scopeOf(app, g), id)),
    route('PATCH', `${guild}/:command`, (r, [app = '', g = '', id = '']) => edit(r, scopeOf(app, g), id)),
    route('DELETE', `${guild}/:command`, (_r, [app = '', g = '', id = '']) => remove(scopeOf(app, g), id)),
  ];
}
