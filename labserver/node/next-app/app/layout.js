// The root layout every Next.js app needs; the lab's app has no pages, only route handlers.
export default function Layout({ children }) {
  return <html><body>{children}</body></html>;
}
