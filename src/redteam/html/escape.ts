const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML and SVG, in element content and in quoted attribute values alike. Every
 * string of a report (attack goals, agent names, denial codes, harness errors) goes through here:
 * attack descriptions are attacker-shaped text by design.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
