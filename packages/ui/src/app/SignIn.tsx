/** Shown when the server requires its access token (WEIR_TOKEN): posts it to /api/session, which sets an HttpOnly cookie. */
import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';

export function SignIn({ onSignedIn }: { onSignedIn(): void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.signIn(token.trim());
      onSignedIn();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <form className="card signin-card" onSubmit={submit}>
        <h1><span className="logo" aria-hidden="true" /> Weir</h1>
        <p>This server needs its access token. It is the <code>WEIR_TOKEN</code> the server was started with.</p>
        <label htmlFor="token">Access token</label>
        <input id="token" type="password" autoComplete="current-password" value={token} onChange={(e) => setToken(e.target.value)} autoFocus required />
        <p className="form-error" role="alert">{error ?? '\u00a0'}</p>
        <button className="btn primary" type="submit" disabled={busy || !token.trim()}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
