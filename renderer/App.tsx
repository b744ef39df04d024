// The app shell: header with the connection state, the navigation of the three jobs (Commission,
// Cards, Diagnose) plus Sync and Settings, and the page. Alt+1..5 jump between pages.
import { useEffect, useRef, useState } from 'react';
import { useConnectionState } from './api/hooks.ts';
import { AttentionLink } from './components/AttentionLink.tsx';
import { ConnectionIndicator } from './components/ConnectionIndicator.tsx';
import { useI18n } from './i18n/i18n.tsx';
import { BoxesPage } from './pages/BoxesPage.tsx';
import { CardsPage } from './pages/CardsPage.tsx';
import { CommissionPage } from './pages/CommissionPage.tsx';
import { ConnectPage } from './pages/ConnectPage.tsx';
import { DiagnosePage } from './pages/DiagnosePage.tsx';
import { SettingsPage } from './pages/SettingsPage.tsx';
import { SitesPage } from './pages/SitesPage.tsx';
import { SyncPage } from './pages/SyncPage.tsx';
import { parseRoute } from './routing/route.ts';

export const pages = [
  { id: 'commission', Page: CommissionPage },
  { id: 'cards', Page: CardsPage },
  { id: 'diagnose', Page: DiagnosePage },
  { id: 'sync', Page: SyncPage },
  { id: 'settings', Page: SettingsPage },
  { id: 'boxes', Page: BoxesPage },
  { id: 'sites', Page: SitesPage },
  { id: 'connect', Page: ConnectPage },
] as const;
type PageId = (typeof pages)[number]['id'];

function pageFromHash(hash: string): PageId {
  const id = parseRoute(hash).page;
  return pages.find((p) => p.id === id)?.id ?? 'commission';
}

export function App() {
  const { t } = useI18n();
  const state = useConnectionState();
  const [page, setPage] = useState<PageId>(() => pageFromHash(window.location.hash));
  const heading = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  useEffect(() => {
    const onHash = () => setPage(pageFromHash(window.location.hash));
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const target = pages[Number(event.key) - 1];
      if (target) {
        event.preventDefault();
        window.location.hash = `#/${target.id}`;
      }
    };
    window.addEventListener('hashchange', onHash);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('keydown', onKey);
    };
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on purpose each time the page changes
  useEffect(() => {
    // Keyboard and screen-reader users land on the new page's heading, not back at the top.
    if (firstRender.current) firstRender.current = false;
    else heading.current?.focus();
  }, [page]);

  const current = pages.find((p) => p.id === page) ?? pages[0];
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="app-header">
        <h1>{t('app.name')}</h1>
        <AttentionLink />
        <ConnectionIndicator />
      </header>
      <nav aria-label={t('nav.label')} className="app-nav">
        <ul>
          {pages.map((p, index) => (
            <li key={p.id}>
              <a
                href={`#/${p.id}`}
                aria-current={p.id === page ? 'page' : undefined}
                aria-keyshortcuts={`Alt+${index + 1}`}
                data-testid={`nav-${p.id}`}
              >
                {t(`nav.${p.id}`)}
                <kbd>Alt+{index + 1}</kbd>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="app-main">
        <h2 ref={heading} tabIndex={-1} data-testid="page-title">
          {t(`nav.${current.id}`)}
        </h2>
        {state === 'unauthorized' ? (
          <div className="error-notice" role="alert" data-code="UNAUTHORIZED">
            <p>{t('error.UNAUTHORIZED.message')}</p>
            <p>{t('error.UNAUTHORIZED.remedy')}</p>
          </div>
        ) : (
          <>
            {state === 'disconnected' && (
              <div className="error-notice" role="alert" data-testid="core-gone">
                <p>{t('header.gone.message')}</p>
                <p>{t('header.gone.remedy')}</p>
              </div>
            )}
            {/* Kept mounted (typed input survives) but hidden: nothing stale claims to be live. */}
            <div hidden={state === 'disconnected'}>
              <current.Page />
            </div>
          </>
        )}
      </main>
    </div>
  );
}
