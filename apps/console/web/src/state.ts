// The listener the page is looking at, shared by Home, Search (personalization) and Playlists.
type Listener = (userId: string) => void;
const listeners = new Set<Listener>();
let current = '';

export const currentUser = {
  get: () => current,
  set(userId: string) {
    current = userId.trim();
    for (const listener of listeners) listener(current);
  },
  subscribe(listener: Listener) {
    listeners.add(listener);
  },
};

export function showError(target: Element, error: unknown): void {
  target.replaceChildren();
  const box = document.createElement('p');
  box.className = 'error';
  box.setAttribute('role', 'alert');
  box.textContent = (error as Error).message ?? String(error);
  target.appendChild(box);
}
