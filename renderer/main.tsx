// Entry of the UI: connects to the core (IPC or WebSocket), then renders the app inside the
// connection and translation providers.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { connect } from './api/client.ts';
import { ConnectionContext } from './api/hooks.ts';
import { I18nProvider } from './i18n/i18n.tsx';
import './styles.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ConnectionContext.Provider value={connect()}>
        <I18nProvider>
          <App />
        </I18nProvider>
      </ConnectionContext.Provider>
    </StrictMode>,
  );
}
