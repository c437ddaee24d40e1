import { connect } from 'node:net';

/**
 * One HTTP/1.1 request written by hand, as a client that is not a browser could send it (a target
 * `fetch` would refuse or resolve first), to the server at `url`; its whole answer as text.
 */
export const rawRequest = (url: string, requestLine: string, host = new URL(url).host) =>
  new Promise<string>((ok, fail) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname, () => socket.write(`${requestLine}\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    let answer = '';
    socket.on('data', (d) => (answer += d));
    socket.on('end', () => ok(answer));
    socket.on('error', fail);
  });
