// Where the redirects lead: answers GET and POST, and says which arrived.
export function GET() {
  return new Response("new (GET)\n");
}

export function POST() {
  return new Response("new (POST)\n");
}
