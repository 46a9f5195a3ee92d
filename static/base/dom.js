// Building page elements from data: text is always set as text, never parsed as HTML.
export function element(tag, attributes, text) {
  const node = document.createElement(tag);
  Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
  if (text !== undefined) { node.textContent = text; }
  return node;
}
