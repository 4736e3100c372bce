// The redirects of the lab's Next.js app, as a learner writes them in next.config.mjs.
// trailingSlash is left at its default (false): /new/ is redirected to /new.
export default {
  async redirects() {
    return [
      { source: "/old", destination: "/new", permanent: false },
      { source: "/moved", destination: "/new", permanent: true },
      { source: "/api/v1/:path*", destination: "/api/v2/:path*", permanent: false },
      { source: "/signup", destination: "/new", statusCode: 303 },
    ];
  },
};
