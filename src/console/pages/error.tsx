import { Layout, type Viewer } from '../layout';

/** A page for what could not be shown: 403, 404, 503, 500 — with what to do next. */
export function ErrorPage(props: { status: number; message: string; viewer?: Viewer | undefined; requestId?: string | undefined }) {
  const title = props.status === 403 ? 'Not allowed' : props.status === 404 ? 'Not found' : props.status === 401 ? 'Signed out' : props.status >= 500 ? 'Something went wrong' : 'Not done';
  return (
    <Layout title={title} viewer={props.viewer} active="none">
      <h1>{title}</h1>
      <div class="alert" role="alert">
        {props.message}
      </div>
      {props.requestId && props.status >= 500 ? <p class="muted">Request id: {props.requestId} (quote it when reporting this).</p> : null}
      <p>
        {props.viewer ? <a href="/console/inbox">Back to the inbox</a> : <a href="/console/sign-in">Sign in</a>}
      </p>
    </Layout>
  );
}
