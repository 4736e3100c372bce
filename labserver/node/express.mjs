// The Express app of lesson 19, started by labserver/frameworks/node_apps.py:
//   node express.mjs PORT STATIC_FOLDER
import express from "express";

const [port, staticFolder] = process.argv.slice(2);
const app = express();

app.get("/old", (req, res) => res.redirect("/new")); // no status given
app.get("/moved", (req, res) => res.redirect(308, "/new"));
// Express 5 spells a wildcard *name (Express 4 wrote :path(*), see /express4-syntax)
app.all("/api/v1/*path", (req, res) => res.redirect(307, "/api/v2/" + req.params.path.join("/")));
app.use("/static", express.static(staticFolder)); // a folder: /static/docs is redirected
app.all("/new", (req, res) => res.send("new"));
app.all("/api/v2/*path", (req, res) => res.send(`${req.method} arrived`));

// What Express 5 does with the Express 4 spelling: it refuses the route when it is declared.
let express4 = "accepted";
try {
  express().all("/api/v1/:path(*)", () => {});
} catch (error) {
  express4 = `${error.name}: ${error.message}`;
}
app.get("/express4-syntax", (req, res) => res.type("text").send(express4));

app.listen(Number(port), "127.0.0.1");
