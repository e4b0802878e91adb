/** HTML escaping for text and attribute values (both quotes, so any attribute quoting is safe). */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Tagged template whose interpolations are escaped unless they are already `Html`. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: Array<string | Html | Html[] | null>): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    const part =
      v === null
        ? ''
        : Array.isArray(v)
          ? v.map((h) => h.value).join('')
          : v instanceof Html
            ? v.value
            : escapeHtml(v);
    out += part + strings[i + 1]!;
  });
  return new Html(out);
}
