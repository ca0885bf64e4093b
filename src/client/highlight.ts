/**
 * Code highlighting with highlight.js 11 instead of the 2014 copy inside remark: remark keeps its line
 * wrapping and `*` highlighted lines, and calls this engine for every code block that names a language.
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import ini from 'highlight.js/lib/languages/ini';
import json from 'highlight.js/lib/languages/json';
import shell from 'highlight.js/lib/languages/shell';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import type { HighlightEngine } from './remark.ts';
import { splitHighlightedLines } from './highlight-lines.ts';

hljs.registerLanguage('bash', bash);
hljs.registerLanguage('shell', shell);
hljs.registerLanguage('yaml', yaml);
hljs.registerLanguage('json', json);
hljs.registerLanguage('xml', xml);
hljs.registerLanguage('ini', ini);

export const highlightEngine: HighlightEngine = {
  highlightBlock(block) {
    const language = block.className.split(/\s+/).find((name) => hljs.getLanguage(name) !== undefined);
    if (!language) return;
    const { value } = hljs.highlight(block.textContent ?? '', { language, ignoreIllegals: true });
    // hljs output is escaped text plus <span class="hljs-..."> only, so it is safe to assign.
    block.innerHTML = splitHighlightedLines(value).join('\n');
    block.classList.add('hljs', `language-${language}`);
  },
};
