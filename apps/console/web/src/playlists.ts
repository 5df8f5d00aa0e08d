// Playlists: prompt → playlist (title, description, notes), the plan as chips, refine with a
// follow-up prompt, like/skip per track sent as feedback.
import { postJson } from './api';
import { h, replace } from './dom';
import { planChips } from './plan';
import { currentUser, showError } from './state';
import type { Playlist, PlaylistTrack } from './types';

const EXAMPLES = ['upbeat dance songs for a run, no rap', 'mellow acoustic evening, 70s and 80s', 'focus music without vocals'];

export function mountPlaylists(panel: HTMLElement): void {
  const prompt = h('textarea', { id: 'playlist-prompt', rows: 2, placeholder: EXAMPLES[0], 'data-testid': 'playlist-prompt' });
  const length = h('input', { type: 'number', id: 'playlist-length', min: 1, max: 100, value: '15', 'aria-label': 'Tracks' });
  const forUser = h('input', { type: 'checkbox', id: 'playlist-user' });
  const result = h('div', { class: 'playlist', 'data-testid': 'playlist' });
  let playlist: Playlist | undefined;
  let busy = false;

  const refineInput = h('input', { id: 'playlist-refine', placeholder: 'refine: “less upbeat”, “no Drake”, “more 90s”', 'data-testid': 'refine-prompt' });
  const refineForm = h(
    'form',
    { class: 'toolbar', hidden: true, onsubmit: (event: Event) => (event.preventDefault(), void refine()) },
    refineInput,
    h('button', { type: 'submit', 'data-testid': 'refine-go' }, 'Refine'),
  );

  const show = (next: Playlist, previous?: Playlist) => {
    playlist = next;
    refineForm.hidden = false;
    replace(result, renderPlaylist(next, previous));
  };

  const guard = async (work: () => Promise<void>) => {
    if (busy) return;
    busy = true;
    panel.classList.add('busy');
    try {
      await work();
    } catch (error) {
      showError(result, error);
    } finally {
      busy = false;
      panel.classList.remove('busy');
    }
  };

  const create = () =>
    guard(async () => {
      const text = prompt.value.trim() || EXAMPLES[0]!;
      prompt.value = text;
      replace(result, h('p', { class: 'muted' }, 'Planning…'));
      const userId = forUser.checked ? currentUser.get() : '';
      show(await postJson<Playlist>('/api/playlists/v1/playlists', { prompt: text, length: Number(length.value) || 15, ...(userId ? { userId } : {}) }));
    });

  const refine = () =>
    guard(async () => {
      if (!playlist) return;
      const text = refineInput.value.trim();
      if (!text) return;
      const previous = playlist;
      show(await postJson<Playlist>(`/api/playlists/v1/playlists/${encodeURIComponent(previous.id)}/refine`, { prompt: text }), previous);
      refineInput.value = '';
    });

  replace(
    panel,
    h('h2', {}, 'Playlists'),
    h(
      'form',
      { class: 'toolbar prompt-box', onsubmit: (event: Event) => (event.preventDefault(), void create()) },
      prompt,
      h('label', { for: 'playlist-length' }, 'tracks'),
      length,
      h('label', { class: 'check' }, forUser, 'for the current listener'),
      h('button', { type: 'submit', 'data-testid': 'playlist-create' }, 'Make playlist'),
    ),
    h('p', { class: 'muted examples' }, 'Try: ', EXAMPLES.map((example) => h('button', { type: 'button', class: 'link', onclick: () => ((prompt.value = example), void create()) }, example))),
    refineForm,
    result,
  );
}

function renderPlaylist(playlist: Playlist, previous: Playlist | undefined): HTMLElement {
  const before = new Set(previous?.tracks.map((track) => track.trackId));
  return h(
    'article',
    { 'data-playlist-id': playlist.id, 'data-version': playlist.version },
    h('h3', { 'data-testid': 'playlist-title' }, playlist.title, h('span', { class: 'badge' }, `v${playlist.version}`), h('span', { class: 'badge' }, `planner: ${playlist.planner}`)),
    h('p', { 'data-testid': 'playlist-description' }, playlist.description),
    playlist.fallbackReason ? h('p', { class: 'muted' }, `LLM unavailable, offline planner used: ${playlist.fallbackReason}`) : null,
    h('p', { class: 'muted' }, previous ? `Refined with “${playlist.prompt}” from v${previous.version}` : `Prompt: “${playlist.prompt}”`),
    h('div', { class: 'chips plan', 'data-testid': 'plan-chips' }, planChips(playlist.plan).map((chip) => h('span', { class: `chip chip-${chip.kind}` }, chip.text))),
    changesLine(playlist.changes),
    h('ol', { class: 'tracks' }, playlist.tracks.map((track) => renderTrack(playlist, track, previous !== undefined && !before.has(track.trackId)))),
  );
}

function changesLine(changes: unknown): HTMLElement | null {
  if (changes === undefined || changes === null) return null;
  const text = Array.isArray(changes) ? changes.map((change) => (typeof change === 'string' ? change : JSON.stringify(change))).join('; ') : typeof changes === 'string' ? changes : JSON.stringify(changes);
  return h('p', { class: 'changes', 'data-testid': 'plan-changes' }, `Changed: ${text}`);
}

function renderTrack(playlist: Playlist, track: PlaylistTrack, isNew: boolean): HTMLElement {
  const status = h('span', { class: 'sent', 'aria-live': 'polite' });
  const send = (signal: 'like' | 'skip') => async (event: Event) => {
    const button = event.currentTarget as HTMLButtonElement;
    button.disabled = true;
    try {
      await postJson(`/api/playlists/v1/playlists/${encodeURIComponent(playlist.id)}/feedback`, { trackId: track.trackId, signal, version: playlist.version });
      status.textContent = signal === 'like' ? 'liked ✓' : 'skipped ✓';
    } catch (error) {
      status.textContent = (error as Error).message;
      button.disabled = false;
    }
  };
  return h(
    'li',
    { class: isNew ? 'track new' : 'track', 'data-testid': 'playlist-track', 'data-track-id': track.trackId },
    h('div', {}, h('strong', {}, track.title), ` — ${track.artists.join(', ')}`, isNew ? h('span', { class: 'badge' }, 'new') : null),
    h('div', { class: 'note' }, track.note),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'small', title: 'Like', 'data-testid': 'like', onclick: send('like') as EventListener }, '♥ like'),
      h('button', { type: 'button', class: 'small', title: 'Skip', 'data-testid': 'skip', onclick: send('skip') as EventListener }, 'skip'),
      status,
    ),
  );
}
