/**
 * What a person reads in a message: the text of its blocks (section text and fields, headers, context
 * text, markdown) when it has blocks, else its `text` (which Slack then only uses for notifications).
 * Also folds a slash command's answers into the messages left on screen.
 */

type Json = Record<string, unknown>;

export interface Shown {
  text?: string;
  blocks?: ReadonlyArray<Json>;
}

function textOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const text = (value as Json).text;
  return typeof text === 'string' ? text : undefined;
}

function blockText(block: Json): string[] {
  switch (block.type) {
    case 'section': {
      const fields = Array.isArray(block.fields) ? block.fields.map(textOf) : [];
      return [textOf(block.text), ...fields].filter((t): t is string => t !== undefined);
    }
    case 'header':
      return [textOf(block.text) ?? ''];
    case 'markdown':
      return typeof block.text === 'string' ? [block.text] : [];
    case 'context': {
      const texts = Array.isArray(block.elements) ? block.elements.map(textOf).filter((t) => t !== undefined) : [];
      return texts.length > 0 ? [texts.join(' ')] : [];
    }
    default:
      return [];
  }
}

export function messageText(message: Shown): string {
  if (message.blocks && message.blocks.length > 0) return message.blocks.flatMap(blockText).join('\n');
  return message.text ?? '';
}

export interface Answer extends Shown {
  replace_original?: boolean;
  delete_original?: boolean;
}

/** The messages left after each answer in turn: replace_original replaces the last, delete_original removes it. */
export function visibleMessages(answers: ReadonlyArray<Answer>): string[] {
  const shown: string[] = [];
  for (const answer of answers) {
    if (answer.delete_original) {
      shown.pop();
      continue;
    }
    if (answer.replace_original && shown.length > 0) shown.pop();
    shown.push(messageText(answer));
  }
  return shown;
}
