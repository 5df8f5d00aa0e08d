// Search: typeahead from /v1/suggest, results grouped by type with what matched highlighted.
import { getJson, query } from './api';
import { h, replace } from './dom';
import { highlightSegments, matchTerms } from './highlight';
import { currentUser, showError } from './state';
import type { SearchAnswer, SearchHit } from './types';

const GROUPS: { type: SearchHit['type']; title: string }[] = [
  { type: 'track', title: 'Tracks' },
  { type: 'artist', title: 'Artists' },
  { type: 'album', title: 'Albums' },
];

function highlighted(text: string, terms: string[]): HTMLElement {
  return h('span', {}, highlightSegments(text, terms).map((segment) => (segment.hit ? h('mark', {}, segment.text) : segment.text)));
}

function renderHit(hit: SearchHit, terms: string[]): HTMLElement {
  return h(
    'li',
    { class: 'hit', 'data-testid': 'hit', 'data-type': hit.type, 'data-id': hit.id },
    h('div', { class: 'hit-name' }, highlighted(hit.name, terms)),
    hit.artists?.length ? h('div', { class: 'hit-artists' }, highlighted(hit.artists.map((artist) => artist.name).join(', '), terms)) : null,
    h('div', { class: 'chips' }, hit.matched.map((label) => h('span', { class: 'chip' }, label)), h('span', { class: 'score' }, hit.score.toFixed(3))),
  );
}

export function mountSearch(panel: HTMLElement): void {
  const input = h('input', {
    type: 'search',
    id: 'search-q',
    placeholder: 'a song, an artist, an album — or “sad 2000s indie”',
    autocomplete: 'off',
    role: 'combobox',
    'aria-expanded': 'false',
    'aria-controls': 'search-suggest',
    'data-testid': 'search-input',
  });
  const personalize = h('input', { type: 'checkbox', id: 'search-personal' });
  const personalLabel = h('label', { class: 'check', title: 'Boost what the Home listener plays' }, personalize, 'for the current listener');
  const suggestions = h('ul', { id: 'search-suggest', class: 'suggest', role: 'listbox', hidden: true, 'data-testid': 'suggest' });
  const summary = h('p', { class: 'muted', 'data-testid': 'search-summary' });
  const results = h('div', { class: 'results', 'data-testid': 'search-results' });
  let active = -1;
  let suggestController: AbortController | undefined;
  let searchController: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const closeSuggest = () => {
    suggestions.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    active = -1;
  };

  const run = async (text: string) => {
    closeSuggest();
    suggestController?.abort();
    searchController?.abort();
    searchController = new AbortController();
    const q = text.trim();
    if (!q) return;
    const userId = personalize.checked ? currentUser.get() : '';
    try {
      const started = performance.now();
      const answer = await getJson<SearchAnswer>(`/api/search/v1/search${query({ q, userId: userId || undefined, limit: 30 })}`, searchController.signal);
      const ms = Math.round(performance.now() - started);
      const descriptive = answer.descriptive ? ` · understood: ${answer.descriptive.terms.join(', ')}` : '';
      replace(summary, `${answer.results.length} results for “${answer.query}”${descriptive}${answer.personalized ? ' · personalized' : ''} · ${ms} ms`);
      const groups = GROUPS.map((group) => ({ ...group, hits: answer.results.filter((hit) => hit.type === group.type) })).filter((group) => group.hits.length > 0);
      if (groups.length === 0) return replace(results, h('p', { class: 'muted' }, 'Nothing found.'));
      replace(
        results,
        groups.map((group) => h('section', { class: 'group', 'data-testid': `group-${group.type}` }, h('h3', {}, `${group.title} (${group.hits.length})`), h('ol', {}, group.hits.map((hit) => renderHit(hit, matchTerms(q, hit.matched)))))),
      );
    } catch (error) {
      if ((error as Error).name !== 'AbortError') showError(results, error);
    }
  };

  const suggest = async () => {
    const q = input.value.trim();
    suggestController?.abort();
    if (q.length < 2) return closeSuggest();
    suggestController = new AbortController();
    try {
      const answer = await getJson<{ query: string; results: SearchHit[] }>(`/api/search/v1/suggest${query({ q, limit: 8 })}`, suggestController.signal);
      if (answer.results.length === 0) return closeSuggest();
      const terms = matchTerms(q, []);
      replace(
        suggestions,
        answer.results.map((hit, index) =>
          h(
            'li',
            { role: 'option', id: `suggest-${index}`, 'data-testid': 'suggestion', onmousedown: (event: Event) => (event.preventDefault(), (input.value = hit.name), void run(hit.name)) },
            highlighted(hit.name, terms),
            h('small', {}, ` ${hit.type}${hit.artists?.length ? ` · ${hit.artists.map((artist) => artist.name).join(', ')}` : ''}`),
          ),
        ),
      );
      suggestions.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      active = -1;
    } catch (error) {
      if ((error as Error).name !== 'AbortError') closeSuggest();
    }
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void suggest(), 120);
  });
  input.addEventListener('blur', () => setTimeout(closeSuggest, 100));
  input.addEventListener('keydown', (event) => {
    const options = [...suggestions.querySelectorAll<HTMLElement>('[role=option]')];
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (suggestions.hidden || options.length === 0) return;
      event.preventDefault();
      active = (active + (event.key === 'ArrowDown' ? 1 : -1) + options.length) % options.length;
      options.forEach((option, index) => option.setAttribute('aria-selected', String(index === active)));
      input.setAttribute('aria-activedescendant', options[active]!.id);
    } else if (event.key === 'Escape') closeSuggest();
    else if (event.key === 'Enter') {
      event.preventDefault();
      clearTimeout(timer);
      const chosen = active >= 0 ? options[active]?.querySelector('span')?.textContent : undefined;
      if (chosen) input.value = chosen;
      void run(input.value);
    }
  });
  currentUser.subscribe((userId) => {
    personalLabel.title = userId ? `Boost what ${userId} plays` : 'Pick a listener on Home first';
  });

  replace(
    panel,
    h('h2', {}, 'Search'),
    h('div', { class: 'toolbar search-box' }, h('div', { class: 'combo' }, input, suggestions), h('button', { type: 'button', 'data-testid': 'search-go', onclick: () => void run(input.value) }, 'Search'), personalLabel),
    summary,
    results,
  );
}
