-- Links between the pages of a Quarto site, as Quarto renders them: page.qmd → page.html
-- (pandoc alone keeps the .qmd). Used by scripts/build-sites.mjs for the Quarto sample.
function Link(el)
  el.target = el.target:gsub('%.qmd$', '.html'):gsub('%.qmd#', '.html#')
  return el
end
