import { NO_CONTROL } from './fields.js';

/** One schema violation as Ajv reports it (the fields used here). */
export interface ValidationIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
}

/** A name the client sent, shown safely: at most 40 characters, control characters as '?'. */
function shown(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  return name.slice(0, 40).replace(/[\u0000-\u001f\u007f]/g, '?');
}

/** `/transactions/0` -> `transactions[0]`; the root is the body (or query, or path). */
function fieldOf(path: string): string {
  return path
    .split('/')
    .slice(1)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : `${i === 0 ? '' : '.'}${part}`))
    .join('');
}

/**
 * One sentence naming the field at fault and the rule, never the value (it may be a password or
 * a key). Only the first violation is described: Ajv stops at it.
 */
export function validationMessage(issues: readonly ValidationIssue[], context: string): string {
  const issue = issues[0];
  if (issue === undefined) return `The ${context} is not valid.`;
  const field = fieldOf(issue.instancePath);
  const where = field === '' ? `the ${context}` : `"${field}"`;
  const p = issue.params;
  const sentence = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
  switch (issue.keyword) {
    case 'required':
      return sentence(`"${prefix(field)}${shown(String(p.missingProperty))}" is required`);
    case 'additionalProperties':
      return sentence(`unknown field "${prefix(field)}${shown(String(p.additionalProperty))}"`);
    case 'type':
      return sentence(`${where} must be ${article(String(p.type))}`);
    case 'minLength':
      return sentence(`${where} must not be empty`);
    case 'maxLength':
      return sentence(`${where} is longer than ${p.limit} characters`);
    case 'pattern':
      return p.pattern === NO_CONTROL
        ? sentence(`${where} holds control characters`)
        : sentence(`${where} is not in the expected form`);
    case 'format':
      return sentence(`${where} is not ${p.format === 'ip' ? 'an IP address' : `a valid ${p.format}`}`);
    case 'minItems':
      return sentence(`${where} must have at least ${p.limit} item${p.limit === 1 ? '' : 's'}`);
    case 'maxItems':
      return sentence(`${where} has more than ${p.limit} items`);
    case 'enum':
    case 'const':
    case 'anyOf':
      return sentence(`${where} is not one of the allowed values`);
    case 'minimum':
    case 'maximum':
      return sentence(`${where} is out of range`);
    default:
      return sentence(`${where} is not valid`);
  }
}

const prefix = (field: string) => (field === '' ? '' : `${field}.`);
const article = (type: string) =>
  ({ object: 'a JSON object', array: 'an array', integer: 'a whole number' })[type] ?? `a ${type}`;
