// Home: pick a listener (or a new one with seed genres/artists) → shelves as rows of cards;
// a card opens the track's details, the shelf's reason and tracks like it.
import { getJson, postJson, query } from './api';
import { h, replace } from './dom';
import { currentUser, showError } from './state';
import type { HomeItem, HomePage, HomeShelf, NextItem, Radio, SearchAnswer, UpNext } from './types';

const DAYPARTS = ['', 'morning', 'afternoon', 'evening', 'night'];
/** The user id the "more like this" view asks Home for: unknown to the bundle, so its seeds decide. */
const EXPLORE_USER = 'console-explore';

export function mountHome(panel: HTMLElement): void {
  const userInput = h('input', { id: 'home-user', name: 'userId', placeholder: 'user id, e.g. u_0001', autocomplete: 'off', 'data-testid': 'home-user' });
  const newListener = h('input', { type: 'checkbox', id: 'home-new' });
  const genresInput = h('input', { id: 'home-genres', placeholder: 'seed genres: pop, house', disabled: true });
  const artistsInput = h('input', { id: 'home-artists', placeholder: 'seed artists (names or ids)', disabled: true });
  const daypart = h('select', { id: 'home-daypart', 'aria-label': 'Daypart' }, DAYPARTS.map((value) => h('option', { value }, value || 'daypart: now')));
  const summary = h('p', { class: 'muted', 'data-testid': 'home-summary' });
  const shelves = h('div', { class: 'shelves', 'data-testid': 'shelves' });
  const upNext = h('section', { class: 'shelf up-next', 'data-testid': 'up-next', hidden: true });
  const details = h('aside', { class: 'details', 'data-testid': 'track-details', hidden: true });

  newListener.addEventListener('change', () => {
    genresInput.disabled = artistsInput.disabled = !newListener.checked;
    if (newListener.checked && !userInput.value) userInput.value = `new-${Math.random().toString(36).slice(2, 8)}`;
  });

  let controller: AbortController | undefined;
  const load = async (event?: Event) => {
    event?.preventDefault();
    const userId = userInput.value.trim();
    if (!userId) return showError(shelves, new Error('Enter a user id, or tick “new listener” and give seed genres.'));
    currentUser.set(userId);
    controller?.abort();
    controller = new AbortController();
    details.hidden = true;
    replace(shelves, h('p', { class: 'muted' }, 'Loading…'));
    const parameters = {
      limit: 12,
      daypart: daypart.value || undefined,
      seedGenres: newListener.checked ? genresInput.value : undefined,
      seedArtists: newListener.checked ? artistsInput.value : undefined,
    };
    try {
      const started = performance.now();
      const page = await getJson<HomePage>(`/api/home/v1/users/${encodeURIComponent(userId)}/home${query(parameters)}`, controller.signal);
      const ms = Math.round(performance.now() - started);
      replace(summary, `${page.shelves.length} shelves for ${page.userId}${page.coldStart ? ' (new listener)' : ''}${page.daypart ? ` · ${page.daypart}` : ''} · bundle ${page.bundleVersion} · ${ms} ms`);
      if (page.shelves.length === 0) return replace(shelves, h('p', { class: 'muted' }, 'No shelves: this listener has no history and no seeds matched.'));
      replace(shelves, page.shelves.map((shelf) => renderShelf(shelf, (item) => void openDetails(details, userId, shelf, item, () => void load()))));
      void loadUpNext(upNext, userId, controller.signal);
    } catch (error) {
      if ((error as Error).name !== 'AbortError') showError(shelves, error);
    }
  };

  const form = h(
    'form',
    { class: 'toolbar', onsubmit: load as EventListener },
    h('label', { for: 'home-user' }, 'Listener'),
    userInput,
    h('label', { class: 'check' }, newListener, 'new listener'),
    genresInput,
    artistsInput,
    daypart,
    h('button', { type: 'submit', 'data-testid': 'home-load' }, 'Show Home'),
  );
  replace(panel, h('h2', {}, 'Home'), form, summary, upNext, h('div', { class: 'home-layout' }, shelves, details));
}

/** "Up next" from the next-track model: what continues this listener's session (absent when the bundle has no model). */
async function loadUpNext(target: HTMLElement, userId: string, signal: AbortSignal): Promise<void> {
  try {
    const next = await getJson<UpNext>(`/api/home/v1/users/${encodeURIComponent(userId)}/next${query({ limit: 12 })}`, signal);
    target.hidden = false;
    const session = next.session.events > 0 ? ` · ${next.session.events} plays this session` : '';
    replace(
      target,
      h('h3', {}, `Up next after “${next.continuesFrom.title}”`, h('span', { class: 'badge' }, 'next-track model')),
      h('p', { class: 'muted' }, `continues ${next.continuesFrom.artists.join(', ')}${session}`),
      nextList(next.items),
    );
  } catch (error) {
    // an unknown listener (404) or a bundle without the model (503): Home's shelves still stand
    target.hidden = (error as Error).name === 'AbortError';
    if (!target.hidden) replace(target, h('h3', {}, 'Up next'), h('p', { class: 'muted' }, (error as Error).message));
  }
}

function nextList(items: NextItem[]): HTMLElement {
  return h('ol', { class: 'list' }, items.map((item) => h('li', { 'data-track-id': item.trackId }, h('strong', {}, item.title), ` — ${item.artists.join(', ')}`)));
}

function renderShelf(shelf: HomeShelf, onPick: (item: HomeItem) => void): HTMLElement {
  return h(
    'section',
    { class: 'shelf', 'data-testid': 'shelf', 'data-shelf-type': shelf.type },
    h('h3', {}, shelf.title, h('span', { class: 'badge' }, shelf.type)),
    h(
      'ol',
      { class: 'cards' },
      shelf.items.map((item) =>
        h(
          'li',
          {},
          h(
            'button',
            { class: 'card', type: 'button', 'data-testid': 'card', 'data-track-id': item.trackId, onclick: () => onPick(item) },
            h('strong', { class: 'card-title' }, item.title),
            h('span', { class: 'card-artists' }, item.artists.join(', ')),
            h('span', { class: 'card-reason' }, item.reason),
          ),
        ),
      ),
    ),
  );
}

/**
 * The services have no per-track neighbours endpoint; "like this" asks Home for a listener
 * seeded with the track's artists (read-only) and Search for more by the same artists.
 */
async function openDetails(details: HTMLElement, userId: string, shelf: HomeShelf, item: HomeItem, reload: () => void): Promise<void> {
  details.hidden = false;
  const like = h('div', { 'data-testid': 'neighbours' }, h('p', { class: 'muted' }, 'Finding tracks like this…'));
  const byArtist = h('div', {}, h('p', { class: 'muted' }, 'Searching…'));
  const radio = h('div', { 'data-testid': 'radio' }, h('p', { class: 'muted' }, 'Tuning in…'));
  const eventStatus = h('span', { class: 'sent', 'data-testid': 'event-status' });
  // A listening event changes this listener's Home at once (recent plays, shelf bandit).
  const record = (type: 'complete' | 'skip' | 'save') => async (event: Event) => {
    const button = event.currentTarget as HTMLButtonElement;
    button.disabled = true;
    try {
      await postJson('/api/home/v1/events', { events: [{ userId, trackId: item.trackId, type, shelf: shelf.id }] });
      eventStatus.textContent = `${type} recorded — reloading Home`;
      setTimeout(reload, 600);
    } catch (error) {
      eventStatus.textContent = (error as Error).message;
      button.disabled = false;
    }
  };
  replace(
    details,
    h('button', { type: 'button', class: 'close', 'aria-label': 'Close', onclick: () => (details.hidden = true) }, '×'),
    h('h3', {}, item.title),
    h('p', {}, item.artists.join(', ')),
    h('p', { class: 'muted' }, `id ${item.trackId}`),
    h('h4', {}, 'Why it is here'),
    h('p', { class: 'reason' }, `${item.reason} — shelf “${shelf.title}” (${shelf.type})`),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'small', 'data-testid': 'event-complete', onclick: record('complete') as EventListener }, '▶ played it'),
      h('button', { type: 'button', class: 'small', onclick: record('skip') as EventListener }, 'skipped it'),
      h('button', { type: 'button', class: 'small', onclick: record('save') as EventListener }, '♥ saved it'),
    ),
    eventStatus,
    h('h4', {}, 'Like this'),
    like,
    h('h4', {}, 'More by these artists'),
    byArtist,
    h('h4', {}, 'Radio from this track'),
    radio,
  );
  getJson<Radio>(`/api/home/v1/radio${query({ seedTrackId: item.trackId, limit: 10 })}`)
    .then((station) => replace(radio, station.items.length ? nextList(station.items) : h('p', { class: 'muted' }, 'The model found no station for this track.')))
    .catch((error: unknown) => showError(radio, error));
  const seeds = item.artists.join(',');
  getJson<HomePage>(`/api/home/v1/users/${EXPLORE_USER}/home${query({ seedArtists: seeds, limit: 8 })}`)
    .then((page) => {
      const seen = new Set([item.trackId]);
      const rows = page.shelves.flatMap((neighbourShelf) =>
        neighbourShelf.items.filter((candidate) => !seen.has(candidate.trackId) && seen.add(candidate.trackId)).map((candidate) => ({ candidate, shelf: neighbourShelf })),
      );
      if (rows.length === 0) return replace(like, h('p', { class: 'muted' }, 'Home found nothing seeded by these artists.'));
      replace(
        like,
        h(
          'ul',
          { class: 'list' },
          rows.slice(0, 10).map(({ candidate, shelf: from }) => h('li', {}, h('strong', {}, candidate.title), ` — ${candidate.artists.join(', ')}`, h('small', {}, `${candidate.reason} · ${from.title}`))),
        ),
      );
    })
    .catch((error: unknown) => showError(like, error));
  getJson<SearchAnswer>(`/api/search/v1/search${query({ q: item.artists[0] ?? item.title, types: 'track', limit: 6 })}`)
    .then((answer) => {
      const others = answer.results.filter((hit) => hit.id !== item.trackId);
      replace(byArtist, others.length ? h('ul', { class: 'list' }, others.map((hit) => h('li', {}, hit.name, h('small', {}, (hit.artists ?? []).map((artist) => artist.name).join(', '))))) : h('p', { class: 'muted' }, 'No other tracks found.'));
    })
    .catch((error: unknown) => showError(byArtist, error));
}
