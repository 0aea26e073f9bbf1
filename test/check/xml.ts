/**
 * A strict little XML well-formedness checker for tests (no dependency): one root element,
 * balanced and properly nested tags, quoted attributes without duplicates, only the five
 * predefined entities or character references, no raw '<' or '&' in text or attributes, and no
 * characters XML 1.0 forbids. Returns the problems found (empty when well-formed).
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*$/;
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;

function unescape(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e] ?? '');
}

function checkText(text: string, where: string, problems: string[]): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) problems.push(`${where}: forbidden character U+${c.toString(16).padStart(4, '0')}`);
    if (text[i] === '<') problems.push(`${where}: raw '<'`);
    if (text[i] === '&' && !ENTITY.test(text.slice(i))) problems.push(`${where}: bad entity at "${text.slice(i, i + 10)}"`);
  }
}

export function parseXml(xml: string): { root: XmlElement | null; problems: string[] } {
  const problems: string[] = [];
  let rest = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let guard = 0;
  while (rest.length > 0 && guard++ < 1_000_000) {
    const lt = rest.indexOf('<');
    const text = lt === -1 ? rest : rest.slice(0, lt);
    if (text.length > 0) {
      checkText(text, 'text', problems);
      if (stack.length === 0 && text.trim() !== '') problems.push('text outside the root element');
      if (stack.length > 0) stack[stack.length - 1].text += unescape(text);
    }
    if (lt === -1) break;
    rest = rest.slice(lt);
    const gt = rest.indexOf('>');
    if (gt === -1) {
      problems.push('unterminated tag');
      break;
    }
    const tag = rest.slice(1, gt);
    rest = rest.slice(gt + 1);
    if (tag.startsWith('/')) {
      const open = stack.pop();
      if (open === undefined || open.name !== tag.slice(1).trim()) problems.push(`closing </${tag.slice(1)}> does not match <${open?.name ?? ''}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const nameMatch = /^([^\s/>]+)/.exec(body);
    const name = nameMatch?.[1] ?? '';
    if (!NAME.test(name)) problems.push(`bad element name "${name}"`);
    const element: XmlElement = { name, attributes: {}, children: [], text: '' };
    let attrs = body.slice(name.length);
    const attr = /^\s+([^\s=]+)="([^"]*)"/;
    let m: RegExpExecArray | null;
    while ((m = attr.exec(attrs)) !== null) {
      if (!NAME.test(m[1])) problems.push(`bad attribute name "${m[1]}"`);
      if (m[1] in element.attributes) problems.push(`duplicate attribute ${m[1]}`);
      checkText(m[2], `attribute ${m[1]}`, problems);
      element.attributes[m[1]] = unescape(m[2]);
      attrs = attrs.slice(m[0].length);
    }
    if (attrs.trim() !== '') problems.push(`malformed attributes in <${name}>: "${attrs.trim().slice(0, 30)}"`);
    if (stack.length > 0) stack[stack.length - 1].children.push(element);
    else if (root === null) root = element;
    else problems.push('more than one root element');
    if (!selfClosing) stack.push(element);
  }
  if (stack.length > 0) problems.push(`unclosed <${stack[stack.length - 1].name}>`);
  if (root === null) problems.push('no root element');
  return { root, problems };
}
