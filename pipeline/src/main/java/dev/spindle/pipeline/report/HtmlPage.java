package dev.spindle.pipeline.report;

import java.util.List;

/** A minimal, dependency-free HTML page builder; every text goes through {@link #escape}. */
final class HtmlPage {
  private final StringBuilder body = new StringBuilder();
  private final String title;

  HtmlPage(String title) {
    this.title = title;
  }

  HtmlPage heading(String text) {
    body.append("<h2>").append(escape(text)).append("</h2>\n");
    return this;
  }

  HtmlPage paragraph(String text) {
    body.append("<p>").append(escape(text)).append("</p>\n");
    return this;
  }

  HtmlPage image(String file, String alt) {
    body.append("<figure><img src=\"").append(escape(file)).append("\" alt=\"").append(escape(alt))
        .append("\"><figcaption>").append(escape(alt)).append("</figcaption></figure>\n");
    return this;
  }

  HtmlPage table(List<String> headers, List<List<String>> rows) {
    body.append("<table><thead><tr>");
    headers.forEach(h -> body.append("<th>").append(escape(h)).append("</th>"));
    body.append("</tr></thead><tbody>\n");
    for (List<String> row : rows) {
      body.append("<tr>");
      row.forEach(cell -> body.append("<td>").append(escape(cell)).append("</td>"));
      body.append("</tr>\n");
    }
    body.append("</tbody></table>\n");
    return this;
  }

  String render() {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
        + "</title>\n<style>body{font-family:sans-serif;max-width:900px;margin:2em auto;color:#222}"
        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
        + "text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}"
        + "figure{margin:1em 0}img{max-width:100%}</style></head>\n<body>\n<h1>" + escape(title) + "</h1>\n"
        + body
        // A self-check that headless browsers (and the report test) can read from the DOM: every chart loaded.
        + "<script>window.addEventListener('load',function(){var ok=Array.prototype.every.call(document.images,"
        + "function(i){return i.complete&&i.naturalWidth>0;});document.body.setAttribute('data-images-ok',"
        + "String(ok&&document.images.length>0));});</script>\n"
        + "</body></html>\n";
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
