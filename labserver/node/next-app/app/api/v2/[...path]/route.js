// The API's new home: answers a POST, so a redirect that keeps the method ends here with 200.
export async function POST(request) {
  return new Response(`api v2: ${request.method} ${new URL(request.url).pathname}\n`);
}
