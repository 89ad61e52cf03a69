import { describe, expect, it } from 'vitest';
import { linkFromLocation } from '../../web/src/participant/link-location';

const token = 'Um5P9PqVro3YOHXQrXdyAfX3-bWui6GXcwjSHnaCQRw';

describe('reading a participant link in the page', () => {
  it('takes the token from the fragment of the current form, and keeps the address as it is', () => {
    expect(linkFromLocation({ pathname: '/p/', hash: `#${token}` })).toEqual({ route: 'p', token, canonical: null });
    expect(linkFromLocation({ pathname: '/u/', hash: `#${token}` })).toEqual({ route: 'u', token, canonical: null });
  });

  it('reads a link emailed in the older form from the path, and gives the address to show instead (token in the fragment)', () => {
    expect(linkFromLocation({ pathname: `/p/${token}`, hash: '' })).toEqual({ route: 'p', token, canonical: `/p/#${token}` });
    expect(linkFromLocation({ pathname: `/u/${token}`, hash: '' })).toEqual({ route: 'u', token, canonical: `/u/#${token}` });
  });

  it('has no token for a bare page address (the page then says the link is not valid)', () => {
    expect(linkFromLocation({ pathname: '/p/', hash: '' })).toEqual({ route: 'p', token: '', canonical: null });
  });
});
