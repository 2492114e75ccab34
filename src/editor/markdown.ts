import MarkdownIt from 'markdown-it';

/**
 * Markdown as the chat shows it, turned into HTML that is safe to put into the editor page:
 * raw HTML in the source is escaped rather than passed through, and markdown-it refuses
 * javascript:, vbscript:, file: and most data: links. Line breaks stay line breaks, as in Web Chat.
 */
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });

export function renderAnswerHtml(body: string): string {
  return markdown.render(body);
}
