// What scripts say, in the page's language: the layout puts the translations the scripts use in a meta
// element (server/i18n.py, script_messages; no inline script, so the CSP stays strict) and gettext() looks a
// sentence up by its English text, as gettext does.
// Placeholders are written %(name)s, as in the rest of Hallway's messages.
let table = null;

function translations() {
  if (table === null) {
    const source = document.querySelector('meta[name="hallway-messages"]');
    try { table = source ? JSON.parse(source.content) : {}; } catch (error) { table = {}; }
  }
  return table;
}

export function gettext(message, values) {
  const text = translations()[message] || message;
  return text.replace(/%\((\w+)\)s/g, function (whole, name) {
    return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
  });
}
