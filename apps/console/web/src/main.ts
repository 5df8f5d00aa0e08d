import './styles.css';
import { mountExperiments } from './experiments';
import { mountHome } from './home';
import { mountPlaylists } from './playlists';
import { mountSearch } from './search';
import { mountStatus } from './status';

const panels = ['home', 'search', 'playlists', 'experiments'] as const;
type Panel = (typeof panels)[number];

mountStatus(document.getElementById('status')!);
mountHome(document.getElementById('panel-home')!);
mountSearch(document.getElementById('panel-search')!);
mountPlaylists(document.getElementById('panel-playlists')!);
mountExperiments(document.getElementById('panel-experiments')!);

function showPanel(): void {
  const wanted = location.hash.slice(1) as Panel;
  const current = panels.includes(wanted) ? wanted : 'home';
  for (const panel of panels) {
    document.querySelector<HTMLElement>(`[data-panel=${panel}]`)!.hidden = panel !== current;
    document.querySelector(`[data-tab=${panel}]`)!.setAttribute('aria-current', String(panel === current));
  }
  document.querySelector<HTMLElement>(`[data-panel=${current}] input, [data-panel=${current}] textarea`)?.focus();
}
window.addEventListener('hashchange', showPanel);
showPanel();
