/**
 * Block Kit checks for message blocks, with the limits @slack/types documents (section text 3000,
 * fields 10 x 2000, context 10 elements, header 150 plain text, image URL 3000 and alt text 2000,
 * 50 blocks, block_id 255 and unique, actions 25 elements, button text 75). Takes the parsed `blocks`
 * value and returns Slack-style error strings, each ending in `[json-pointer:/blocks/...]`; empty when
 * valid. Unknown properties are refused as Slack does, so a misspelt field does not pass silently.
 */

export const MAX_BLOCKS = 50;

type Json = Record<string, unknown>;

const BLOCK_KEYS: Record<string, readonly string[]> = {
  section: ['text', 'fields', 'accessory', 'expand'],
  context: ['elements'],
  divider: [],
  header: ['text'],
  image: ['image_url', 'slack_file', 'alt_text', 'title'],
  actions: ['elements'],
  markdown: ['text'],
  rich_text: ['elements'],
};

/** Interactive elements accepted without a closer look (as accessories or in actions blocks). */
const OTHER_ELEMENTS = new Set([
  'static_select', 'external_select', 'users_select', 'conversations_select', 'channels_select',
  'multi_static_select', 'multi_external_select', 'multi_users_select', 'multi_conversations_select',
  'multi_channels_select', 'overflow', 'datepicker', 'datetimepicker', 'timepicker', 'checkboxes',
  'radio_buttons', 'workflow_button',
]);

class Checker {
  readonly errors: string[] = [];

  fail(message: string, pointer: string): void {
    this.errors.push(`${message} [json-pointer:${pointer}]`);
  }

  isObject(value: unknown, pointer: string): value is Json {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return true;
    this.fail('must provide an object', pointer);
    return false;
  }

  keys(value: Json, allowed: readonly string[], pointer: string): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.fail(`invalid additional property: ${key}`, pointer);
    }
  }

  string(value: unknown, pointer: string, max: number, min = 0): void {
    if (typeof value !== 'string') return this.fail('must provide a string', pointer);
    if (value.length < min) this.fail(`must be more than ${min - 1} characters`, pointer);
    if (value.length > max) this.fail(`must be less than ${max + 1} characters`, pointer);
  }

  required(value: Json, key: string, pointer: string): boolean {
    if (value[key] !== undefined) return true;
    this.fail(`missing required field: ${key}`, pointer);
    return false;
  }

  array(value: unknown, pointer: string, max: number, min = 1): value is unknown[] {
    if (!Array.isArray(value)) {
      this.fail('must provide an array', pointer);
      return false;
    }
    if (value.length < min) this.fail(`must provide at least ${min} items`, pointer);
    if (value.length > max) this.fail(`no more than ${max} items allowed`, pointer);
    return true;
  }

  textObject(value: unknown, pointer: string, max: number, types: readonly string[] = ['plain_text', 'mrkdwn']): void {
    if (!this.isObject(value, pointer)) return;
    if (!types.includes(String(value.type))) {
      this.fail(`must be one of ${types.map((t) => `"${t}"`).join(', ')}`, `${pointer}/type`);
      return;
    }
    this.keys(value, ['type', 'text', value.type === 'plain_text' ? 'emoji' : 'verbatim'], pointer);
    if (this.required(value, 'text', pointer)) this.string(value.text, `${pointer}/text`, max, 1);
  }

  imageSource(value: Json, pointer: string): void {
    if (value.slack_file !== undefined) return void this.isObject(value.slack_file, `${pointer}/slack_file`);
    if (this.required(value, 'image_url', pointer)) this.string(value.image_url, `${pointer}/image_url`, 3000, 1);
  }

  element(value: unknown, pointer: string): void {
    if (!this.isObject(value, pointer)) return;
    if (value.type === 'image') {
      this.keys(value, ['type', 'image_url', 'slack_file', 'alt_text'], pointer);
      this.imageSource(value, pointer);
      if (this.required(value, 'alt_text', pointer)) this.string(value.alt_text, `${pointer}/alt_text`, 2000, 1);
    } else if (value.type === 'button') {
      this.keys(value, ['type', 'text', 'action_id', 'url', 'value', 'style', 'confirm', 'accessibility_label'], pointer);
      if (this.required(value, 'text', pointer)) this.textObject(value.text, `${pointer}/text`, 75, ['plain_text']);
      if (value.action_id !== undefined) this.string(value.action_id, `${pointer}/action_id`, 255, 1);
      if (value.url !== undefined) this.string(value.url, `${pointer}/url`, 3000, 1);
      if (value.value !== undefined) this.string(value.value, `${pointer}/value`, 2000, 1);
      if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') {
        this.fail('must be one of "primary", "danger"', `${pointer}/style`);
      }
    } else if (!OTHER_ELEMENTS.has(String(value.type))) {
      this.fail(`unsupported type: ${String(value.type)}`, `${pointer}/type`);
    }
  }

  block(value: unknown, pointer: string, blockIds: Set<string>): void {
    if (!this.isObject(value, pointer)) return;
    const type = String(value.type);
    const extra = BLOCK_KEYS[type];
    if (value.type === undefined) return this.fail('missing required field: type', pointer);
    if (!extra) return this.fail(`unsupported type: ${type}`, `${pointer}/type`);
    this.keys(value, ['type', 'block_id', ...extra], pointer);
    if (value.block_id !== undefined) {
      this.string(value.block_id, `${pointer}/block_id`, 255, 1);
      if (blockIds.has(String(value.block_id))) this.fail(`duplicate block_id: ${String(value.block_id)}`, `${pointer}/block_id`);
      blockIds.add(String(value.block_id));
    }
    switch (type) {
      case 'section':
        if (value.text === undefined && value.fields === undefined) return this.fail('must provide either text or fields', pointer);
        if (value.text !== undefined) this.textObject(value.text, `${pointer}/text`, 3000);
        if (value.fields !== undefined && this.array(value.fields, `${pointer}/fields`, 10)) {
          value.fields.forEach((field, i) => this.textObject(field, `${pointer}/fields/${i}`, 2000));
        }
        if (value.accessory !== undefined) this.element(value.accessory, `${pointer}/accessory`);
        return;
      case 'context':
        if (this.required(value, 'elements', pointer) && this.array(value.elements, `${pointer}/elements`, 10)) {
          value.elements.forEach((element, i) => {
            const at = `${pointer}/elements/${i}`;
            if (typeof element === 'object' && element !== null && (element as Json).type === 'image') this.element(element, at);
            else this.textObject(element, at, 3000);
          });
        }
        return;
      case 'header':
        if (this.required(value, 'text', pointer)) this.textObject(value.text, `${pointer}/text`, 150, ['plain_text']);
        return;
      case 'image':
        this.imageSource(value, pointer);
        if (this.required(value, 'alt_text', pointer)) this.string(value.alt_text, `${pointer}/alt_text`, 2000, 1);
        if (value.title !== undefined) this.textObject(value.title, `${pointer}/title`, 2000, ['plain_text']);
        return;
      case 'actions':
        if (this.required(value, 'elements', pointer) && this.array(value.elements, `${pointer}/elements`, 25)) {
          value.elements.forEach((element, i) => this.element(element, `${pointer}/elements/${i}`));
        }
        return;
      case 'markdown':
        if (this.required(value, 'text', pointer)) this.string(value.text, `${pointer}/text`, 12_000, 1);
        return;
      case 'rich_text':
        if (this.required(value, 'elements', pointer)) this.array(value.elements, `${pointer}/elements`, Infinity);
        return;
    }
  }
}

/** Errors in a parsed `blocks` array (an empty list when Slack would accept it). */
export function blockErrors(blocks: unknown, pointer = '/blocks'): string[] {
  const checker = new Checker();
  if (checker.array(blocks, pointer, MAX_BLOCKS, 0)) {
    const blockIds = new Set<string>();
    blocks.forEach((block, i) => checker.block(block, `${pointer}/${i}`, blockIds));
  }
  return checker.errors;
}
