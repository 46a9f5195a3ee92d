// The CSRF token of this page (templates/base/layout.html puts it in a meta tag), sent with every script's POST.
export function csrfHeaders() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? { "x-csrftoken": meta.content } : {};
}
