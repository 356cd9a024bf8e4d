import { Flash, Layout } from '../layout';

/**
 * The sign-in form: the personal key goes in a password field and is POSTed (never in a URL);
 * a refused key comes back with the reason and an empty field.
 */
export function SignInPage(props: { error?: string; next?: string; signedOut?: boolean }) {
  return (
    <Layout title="Sign in" active="none">
      <h1>Sign in</h1>
      <Flash error={props.error} notice={props.signedOut ? 'You are signed out.' : undefined} />
      <p>
        Sign in with your <strong>personal API key</strong> (an admin creates it:{' '}
        <code>npm run admin -- key:create &lt;org&gt; &lt;name&gt; --scopes review --reviewer &lt;you&gt;</code>). The browser keeps
        only a session cookie; the key itself is not stored in it.
      </p>
      <form method="post" action="/console/sign-in" class="stack" id="sign-in-form">
        <label for="key">
          Personal API key <span class="hint">(the ak_… key your admin gave you)</span>
        </label>
        <input
          type="password"
          id="key"
          name="key"
          required
          autocomplete="off"
          spellcheck={false}
          autofocus
          aria-describedby={props.error ? 'error' : undefined}
          aria-invalid={props.error ? 'true' : undefined}
        />
        {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
        <div class="buttons">
          <button type="submit" class="primary">
            Sign in
          </button>
        </div>
      </form>
    </Layout>
  );
}
