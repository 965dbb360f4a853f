/*
 * Cascading province / city / county picker (GB/T 2260 codes), progressive enhancement.
 *
 * Markup (rendered by templates/_macros/regions.html):
 *   <input id="FIELD_ID" name="..." type="text">          -- stays usable without JavaScript
 *   <div data-region-picker data-input="FIELD_ID" data-children-url="/regions/children"
 *        data-multiple="true|false" data-label-province="..." data-label-city="..."
 *        data-label-county="..." data-label-add="..." data-label-remove="..."></div>
 *
 * Single mode: the input holds the deepest chosen code. Multiple mode: "Add" appends the deepest chosen
 * code to the input's comma-separated list, shown as removable badges. No framework, no inline styles.
 */
(function () {
  "use strict";

  if (window.regionPickerLoaded) {
    return; // the script tag was rendered twice
  }
  window.regionPickerLoaded = true;

  var LEVELS = ["province", "city", "county"];
  var CODE_RE = /^\d{6}$/;
  var SEPARATORS = /[\s,，;；]+/;
  var MUNICIPALITIES = ["11", "12", "31", "50"];

  function element(tag, className) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    return node;
  }

  /* The province, city and county codes above and including `code`, e.g. 310114 -> 310000, 310100, 310114. */
  function chainCodes(code) {
    var chain = [code.slice(0, 2) + "0000", code.slice(0, 4) + "00", code];
    return chain.filter(function (item, index) {
      return chain.indexOf(item) === index;
    });
  }

  /* City-level entries that only group counties: municipalities' XX01/XX02, provinces' XX90. */
  function isGroupingCity(code) {
    if (!CODE_RE.test(code) || code.slice(4) !== "00" || code.slice(2, 4) === "00") {
      return false;
    }
    return MUNICIPALITIES.indexOf(code.slice(0, 2)) >= 0 || code.slice(2, 4) === "90";
  }

  function labelFromNames(codes, names) {
    return names.filter(function (name, index) {
      return !(index === 1 && names.length === 3 && isGroupingCity(codes[1]));
    }).join(" · ");
  }

  function RegionPicker(container, input) {
    this.container = container;
    this.input = input;
    this.url = container.getAttribute("data-children-url") || "/regions/children";
    this.multiple = container.getAttribute("data-multiple") === "true";
    this.labels = {
      province: container.getAttribute("data-label-province") || "Province",
      city: container.getAttribute("data-label-city") || "City",
      county: container.getAttribute("data-label-county") || "County / district",
      add: container.getAttribute("data-label-add") || "Add region",
      remove: container.getAttribute("data-label-remove") || "Remove"
    };
    this.requests = new Map(); // parent code ("" for provinces) -> Promise of regions
    this.names = new Map(); // code -> label, for the badges
    this.writing = false;
    this.build();
  }

  RegionPicker.prototype.children = function (parent) {
    var key = parent || "";
    if (!this.requests.has(key)) {
      var target = new URL(this.url, window.location.href);
      if (key) {
        target.searchParams.set("parent", key);
      }
      var requests = this.requests;
      var promise = window.fetch(target.toString(), {
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok) {
          throw new Error("region list: HTTP " + response.status);
        }
        return response.json();
      }).then(function (body) {
        return body.regions || [];
      });
      promise.catch(function () {
        requests.delete(key); // try again next time
      });
      requests.set(key, promise);
    }
    return this.requests.get(key);
  };

  RegionPicker.prototype.build = function () {
    var picker = this;
    var row = element("div", "row g-2 align-items-center");
    this.slots = LEVELS.map(function (level, index) {
      var column = element("div", "col-sm");
      var select = element("select", "form-select");
      select.setAttribute("aria-label", picker.labels[level]);
      select.setAttribute("data-level", level);
      column.appendChild(select);
      row.appendChild(column);
      var slot = { level: level, select: select, token: 0 };
      select.addEventListener("change", function () {
        picker.chosen(index);
      });
      return slot;
    });
    this.reset(0);
    if (this.multiple) {
      var buttonColumn = element("div", "col-sm-auto");
      this.addButton = element("button", "btn btn-outline-secondary w-100");
      this.addButton.type = "button";
      this.addButton.textContent = this.labels.add;
      this.addButton.disabled = true;
      this.addButton.addEventListener("click", function () {
        picker.add();
      });
      buttonColumn.appendChild(this.addButton);
      row.appendChild(buttonColumn);
    }
    this.container.appendChild(row);
    if (this.multiple) {
      this.badges = element("div", "d-flex flex-wrap gap-2 mt-2");
      this.badges.setAttribute("aria-live", "polite");
      this.container.appendChild(this.badges);
    }
    this.input.addEventListener("change", function () {
      if (!picker.writing) {
        picker.syncFromInput();
      }
    });
    this.fill(0, "").then(function () {
      picker.syncFromInput();
    });
  };

  /* Empty the selects from `index` down and cancel their pending loads. */
  RegionPicker.prototype.reset = function (index) {
    for (var i = index; i < this.slots.length; i += 1) {
      var slot = this.slots[i];
      slot.token += 1;
      slot.select.replaceChildren(new Option(this.labels[slot.level], ""));
      slot.select.disabled = true;
    }
  };

  /* Load the children of `parent` into the select at `index`; resolves to false when nothing was loaded. */
  RegionPicker.prototype.fill = function (index, parent) {
    this.reset(index);
    var slot = this.slots[index];
    var token = slot.token;
    return this.children(parent).then(function (regions) {
      if (token !== slot.token) {
        return false; // a later choice replaced this load
      }
      regions.forEach(function (region) {
        var option = new Option(region.name, region.code);
        option.setAttribute("data-has-children", region.has_children ? "true" : "false");
        slot.select.add(option);
      });
      slot.select.disabled = regions.length === 0;
      return regions.length > 0;
    }).catch(function () {
      return false; // the text field still works
    });
  };

  RegionPicker.prototype.selectedOption = function (index) {
    var select = this.slots[index].select;
    return select.value ? select.options[select.selectedIndex] : null;
  };

  RegionPicker.prototype.deepest = function () {
    var code = "";
    this.slots.forEach(function (slot) {
      if (slot.select.value) {
        code = slot.select.value;
      }
    });
    return code;
  };

  RegionPicker.prototype.chosen = function (index) {
    var option = this.selectedOption(index);
    if (index + 1 < this.slots.length) {
      if (option && option.getAttribute("data-has-children") === "true") {
        this.fill(index + 1, option.value);
      } else {
        this.reset(index + 1);
      }
    }
    if (this.multiple) {
      this.addButton.disabled = !this.deepest();
    } else {
      this.write(this.deepest());
    }
  };

  RegionPicker.prototype.write = function (value) {
    this.input.value = value;
    this.writing = true;
    try {
      this.input.dispatchEvent(new Event("change", { bubbles: true }));
    } finally {
      this.writing = false;
    }
  };

  /* Show in the selects the region whose code the input holds (single mode), or redraw the badges. */
  RegionPicker.prototype.syncFromInput = function () {
    if (this.multiple) {
      this.renderBadges();
      return Promise.resolve();
    }
    var code = this.input.value.trim();
    if (!CODE_RE.test(code)) {
      return Promise.resolve();
    }
    return this.show(code);
  };

  RegionPicker.prototype.show = function (code) {
    var picker = this;
    var chain = chainCodes(code);
    var step = function (index) {
      if (index >= chain.length) {
        return Promise.resolve();
      }
      var select = picker.slots[index].select;
      var found = Array.prototype.some.call(select.options, function (option) {
        return option.value === chain[index];
      });
      if (!found) {
        return Promise.resolve();
      }
      select.value = chain[index];
      var option = picker.selectedOption(index);
      if (index + 1 >= picker.slots.length || option.getAttribute("data-has-children") !== "true") {
        picker.reset(index + 1);
        return Promise.resolve();
      }
      return picker.fill(index + 1, chain[index]).then(function (loaded) {
        return loaded ? step(index + 1) : undefined;
      });
    };
    return this.fill(0, "").then(function () {
      return step(0);
    });
  };

  /* Multiple mode. */

  RegionPicker.prototype.codes = function () {
    return this.input.value.split(SEPARATORS).filter(function (code) {
      return code !== "";
    });
  };

  RegionPicker.prototype.add = function () {
    var code = this.deepest();
    if (!code) {
      return;
    }
    var codes = [];
    var names = [];
    this.slots.forEach(function (slot) {
      if (slot.select.value) {
        codes.push(slot.select.value);
        names.push(slot.select.options[slot.select.selectedIndex].text);
      }
    });
    this.names.set(code, labelFromNames(codes, names));
    var current = this.codes();
    if (current.indexOf(code) < 0) {
      current.push(code);
      this.write(current.join(","));
    }
    this.renderBadges();
  };

  RegionPicker.prototype.remove = function (code) {
    this.write(this.codes().filter(function (item) {
      return item !== code;
    }).join(","));
    this.renderBadges();
    this.input.focus();
  };

  /* The label of any code, looked up level by level; resolves to null for an unknown code. */
  RegionPicker.prototype.lookup = function (code) {
    if (this.names.has(code)) {
      return Promise.resolve(this.names.get(code));
    }
    if (!CODE_RE.test(code)) {
      return Promise.resolve(null);
    }
    var picker = this;
    var chain = chainCodes(code);
    var names = [];
    var step = function (index, parent) {
      if (index >= chain.length) {
        var label = labelFromNames(chain, names);
        picker.names.set(code, label);
        return label;
      }
      return picker.children(parent).then(function (regions) {
        var match = regions.find(function (region) {
          return region.code === chain[index];
        });
        if (!match) {
          return null;
        }
        names.push(match.name);
        return step(index + 1, match.code);
      });
    };
    return step(0, "").catch(function () {
      return null;
    });
  };

  RegionPicker.prototype.renderBadges = function () {
    var picker = this;
    var codes = this.codes();
    this.badges.replaceChildren();
    codes.forEach(function (code) {
      var badge = element("span", "badge text-bg-light border d-inline-flex align-items-center gap-1");
      var text = element("span");
      text.textContent = picker.names.get(code) || code;
      var close = element("button", "btn-close");
      close.type = "button";
      close.setAttribute("aria-label", picker.labels.remove + " " + text.textContent);
      close.addEventListener("click", function () {
        picker.remove(code);
      });
      badge.appendChild(text);
      badge.appendChild(close);
      picker.badges.appendChild(badge);
      if (!picker.names.has(code)) {
        picker.lookup(code).then(function (label) {
          if (label) {
            text.textContent = label;
            close.setAttribute("aria-label", picker.labels.remove + " " + label);
          } else {
            badge.classList.remove("text-bg-light");
            badge.classList.add("text-bg-danger"); // not a region code
          }
        });
      }
    });
  };

  function start() {
    var containers = document.querySelectorAll("[data-region-picker]");
    Array.prototype.forEach.call(containers, function (container) {
      if (container.getAttribute("data-region-picker-ready") === "true") {
        return;
      }
      var input = document.getElementById(container.getAttribute("data-input") || "");
      if (!input || !window.fetch) {
        return;
      }
      container.setAttribute("data-region-picker-ready", "true");
      new RegionPicker(container, input); // eslint-disable-line no-new
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
