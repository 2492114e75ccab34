/** The part of markdown-it 13 that Hearline uses (the package ships no types of its own). */
declare module 'markdown-it' {
  interface MarkdownItOptions {
    html?: boolean;
    linkify?: boolean;
    breaks?: boolean;
    typographer?: boolean;
  }
  class MarkdownIt {
    constructor(options?: MarkdownItOptions);
    render(source: string): string;
    validateLink(url: string): boolean;
  }
  export = MarkdownIt;
}
