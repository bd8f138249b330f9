"use strict";
// Suggest existing tags for the last name typed in a comma-separated tag
// field, through the admin's own autocomplete endpoint and a <datalist>.
// Each suggestion repeats what is already typed, so choosing one completes
// only the last tag.
{
  const suggest = async (input, list) => {
    const names = input.value.split(",");
    const term = names.pop().trim();
    if (term.length < 2) {
      list.replaceChildren();
      return;
    }
    const url = new URL(input.dataset.tagSuggestions, window.location.href);
    url.search = new URLSearchParams({
      app_label: input.dataset.appLabel,
      model_name: input.dataset.modelName,
      field_name: input.dataset.fieldName,
      term: term,
    });
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) {
      return; // No permission to view tags: the field stays a plain input.
    }
    const { results } = await response.json();
    const typed = names.map((name) => name.trim()).filter(Boolean);
    const prefix = typed.length ? typed.join(", ") + ", " : "";
    list.replaceChildren(
      ...results.map((tag) => {
        const option = document.createElement("option");
        option.value = prefix + tag.text;
        return option;
      }),
    );
  };

  const setUp = (input) => {
    const list = document.createElement("datalist");
    list.id = input.id + "_suggestions";
    input.after(list);
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    let timer;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => suggest(input, list), 150);
    });
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input[data-tag-suggestions]").forEach(setUp);
  });
}
