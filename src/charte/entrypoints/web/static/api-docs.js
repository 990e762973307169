// The API's documentation page (/docs): Swagger UI, vendored under /static/swagger, on the API's
// own OpenAPI document. A script file, not an inline one: the pages' CSP allows 'self' only.
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
  });
});
