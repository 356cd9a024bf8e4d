import { redactUrls, shownUrl } from '../../src/erp/urls';

/** Callback URLs carry secrets (credentials, a token in the query or the path): never shown. */
describe('URLs as we show them', () => {
  it('drops credentials and the query string, and masks token-like path segments', () => {
    expect(shownUrl('https://user:S3CRETPW@erp.example/hook?token=QTOKEN')).toBe('https://erp.example/hook');
    expect(shownUrl('https://hooks.example.com/services/T0A1B2C3D/B0XYZ1234/abcdefGHIJKLmnop1234')).toBe('https://hooks.example.com/services/…/…/…');
    expect(shownUrl('http://127.0.0.1:4000/agent-callbacks')).toBe('http://127.0.0.1:4000/agent-callbacks');
    expect(shownUrl('not a url')).toBe('(invalid URL)');
  });

  it('redacts every URL a message quotes (as fetch errors do)', () => {
    const message = 'Request cannot be constructed from a URL that includes credentials: https://user:S3CRETPW@erp.example/hook?token=QTOKEN';
    expect(redactUrls(message)).toBe('Request cannot be constructed from a URL that includes credentials: https://erp.example/hook');
    expect(redactUrls(message)).not.toMatch(/S3CRETPW|QTOKEN/);
  });
});
