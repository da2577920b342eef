// Hoist web pages: the only script. No framework, no build step. Every page works without it; it adds
//  1. local times for <time data-local>,
//  2. the release page's live progress (EventSource) and in-place refresh of [data-live] regions,
//  3. the runtime page's 2 s refresh with a "stale" banner when the cluster cannot be read,
//  4. the wizard's cascading selects (each change reloads the lists below it from the cluster).
// Server HTML is swapped in as parsed from our own pages (Razor already encoded it); event text goes in as textContent.
(() => {
    'use strict';

    const pad = (n) => String(n).padStart(2, '0');
    // One format in both languages, sortable and unambiguous: 2025-03-05 14:02:09 in the reader's time zone.
    const clock = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

    function localTimes(root) {
        for (const t of root.querySelectorAll('time[data-local][datetime]')) {
            const d = new Date(t.getAttribute('datetime'));
            if (isNaN(d)) continue;
            t.title = t.textContent;
            t.textContent = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(d)}`;
        }
    }

    async function fetchPage(url) {
        const res = await fetch(url, { headers: { 'Accept': 'text/html' }, credentials: 'same-origin', cache: 'no-store' });
        if (!res.ok) throw new Error('HTTP ' + res.status);
        if (res.redirected && new URL(res.url).pathname !== new URL(url, location.href).pathname) throw new Error('redirected');
        return new DOMParser().parseFromString(await res.text(), 'text/html');
    }

    // Replace each [data-live] region of this page with the same region of a freshly rendered copy.
    function swapLive(doc, ids) {
        for (const el of document.querySelectorAll('[data-live][id]')) {
            if (ids && !ids.includes(el.id)) continue;
            const fresh = doc.getElementById(el.id);
            if (!fresh) continue;
            el.className = fresh.className;
            for (const a of fresh.getAttributeNames()) el.setAttribute(a, fresh.getAttribute(a));
            el.innerHTML = fresh.innerHTML;
            localTimes(el);
        }
        const title = doc.querySelector('title');
        if (title) document.title = title.textContent;
    }

    // Coalesce refreshes: at most one request in flight, one more queued.
    function refresher(url) {
        let running = false, again = false;
        const run = async () => {
            if (running) { again = true; return; }
            running = true;
            try { swapLive(await fetchPage(url)); } catch { /* the next event or the final 'done' refreshes again */ }
            running = false;
            if (again) { again = false; run(); }
        };
        return run;
    }

    function releaseLive() {
        const log = document.getElementById('progress-log');
        if (!log || !window.EventSource) return;
        const state = document.getElementById('live-state');
        const refresh = refresher(location.pathname);
        const setState = (s) => {
            if (!state) return;
            if (log.dataset.terminal === 'true' && s !== 'lost') s = 'done';
            state.hidden = s === 'done';
            state.classList.toggle('lost', s === 'lost');
            state.textContent = s === 'lost' ? state.dataset.textLost : state.dataset.textLive;
            state.dataset.state = s;
        };
        const append = (e) => {
            let data;
            try { data = JSON.parse(e.data); } catch { return; }
            const li = document.createElement('li');
            li.className = e.type + (data.status === 'Failed' || data.status === 'TimedOut' ? ' bad' : data.status === 'Succeeded' && e.type === 'status' ? ' ok' : '');
            li.dataset.seq = data.sequence;
            const time = document.createElement('time');
            const at = new Date(data.at);
            time.dateTime = data.at;
            time.textContent = isNaN(at) ? '' : clock(at);
            const text = document.createElement('span');
            text.textContent = String(data.message ?? '').slice(0, 4000);
            li.append(time, text);
            const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
            log.append(li);
            if (atBottom) log.scrollTop = log.scrollHeight;
        };
        const source = new EventSource(log.dataset.releaseEvents);
        source.onopen = () => setState('live');
        source.onerror = () => { if (source.readyState !== EventSource.CLOSED) setState('lost'); };
        source.addEventListener('status', (e) => { append(e); refresh(); });
        source.addEventListener('progress', append);
        source.addEventListener('log', append);
        source.addEventListener('done', () => { source.close(); setState('done'); refresh(); });
        window.addEventListener('pagehide', () => source.close());
    }

    function runtimeLive() {
        const region = document.querySelector('[data-runtime-poll]');
        if (!region) return;
        const banner = document.getElementById('stale-banner');
        const detail = document.getElementById('stale-detail');
        const every = Math.max(1000, parseInt(region.dataset.runtimePoll, 10) || 2000);
        const url = location.pathname + location.search;
        const stale = (why) => {
            if (banner) banner.hidden = false;
            if (detail) detail.textContent = why || '';
            region.dataset.stale = 'true';
        };
        const tick = async () => {
            // A background tab does not need a picture every 2 s; catch up when it is shown again.
            if (document.hidden) { setTimeout(tick, every); return; }
            try {
                const doc = await fetchPage(url);
                const fresh = doc.getElementById(region.id);
                if (fresh && fresh.dataset.ok === 'true') {
                    swapLive(doc, [region.id]);
                    if (banner) banner.hidden = true;
                    region.dataset.stale = 'false';
                } else {
                    // Keep the last good picture; say why it is old.
                    stale(fresh ? fresh.dataset.error : '');
                }
            } catch (err) {
                stale(String(err && err.message || err));
            }
            setTimeout(tick, every);
        };
        setTimeout(tick, every);
    }

    // Wizard: a change in one list clears the lists below it and reloads the form, so the next list is read
    // from the cluster with the choice made. Without script, the "Load" button does the same.
    function cascade() {
        for (const form of document.querySelectorAll('form[data-cascade]')) {
            const levels = [...form.querySelectorAll('[data-level]')].sort((a, b) => a.dataset.level - b.dataset.level);
            for (const select of levels) {
                select.addEventListener('change', () => {
                    for (const lower of levels) if (+lower.dataset.level > +select.dataset.level) lower.value = '';
                    const reload = form.querySelector('[data-cascade-reload]');
                    form.setAttribute('aria-busy', 'true');
                    if (reload) reload.click(); else form.submit();
                });
            }
        }
    }

    // A copy button next to secrets and snippets (the clipboard API needs a secure context or localhost).
    function copyButtons() {
        if (!navigator.clipboard) return;
        for (const el of document.querySelectorAll('[data-copy]')) {
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'btn copy-btn';
            button.textContent = el.dataset.copy;
            button.addEventListener('click', async () => {
                try { await navigator.clipboard.writeText(el.textContent); button.textContent = el.dataset.copied; } catch { /* denied */ }
            });
            const holder = el.tagName === 'PRE' ? el.parentElement : el.parentElement;
            if (el.tagName === 'PRE') {
                const wrap = document.createElement('div');
                wrap.className = 'copyable';
                el.replaceWith(wrap);
                wrap.append(el, button);
            } else {
                holder.append(button);
            }
        }
    }

    document.addEventListener('DOMContentLoaded', () => {
        localTimes(document);
        copyButtons();
        // Lets a test (or a user script) know the page's handlers are in place.
        document.documentElement.dataset.ready = 'true';
        releaseLive();
        runtimeLive();
        cascade();
    });
})();
