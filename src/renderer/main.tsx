import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ErrorBoundary } from './components/ErrorBoundary';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/browser.css';
import './styles/jobs.css';
import './styles/vault.css';
import './styles/datastore.css';

const el = document.getElementById('root');
if (!el) throw new Error('#root missing from index.html');
createRoot(el).render(
  <StrictMode>
    <ErrorBoundary area="S3 Deck">
      <App />
    </ErrorBoundary>
  </StrictMode>,
);
