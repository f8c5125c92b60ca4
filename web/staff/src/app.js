// The staff app: sign-in, the navigation the user's roles allow, and the
// screens by hash route (#/counter, #/display/<office>, ...).
import { h, replaceChildren, button, message } from './dom.js';
import { loadProvider, signIn, completeSignIn, currentUser, signOut, forgetSession } from './auth.js';
import { onUnauthenticated } from './api.js';
import { t, setLanguage, currentLanguage } from './i18n.js';
import { renderCounter, officesOf } from './screens/counter.js';
import { renderDisplay } from './screens/display.js';
import { renderParking } from './screens/parking.js';
import { renderSteering } from './screens/steering.js';
import { renderClosures } from './screens/closures.js';
import { renderDaycareCasework, renderDaycareRounds } from './screens/daycare.js';
import { renderDaycarePolicy } from './screens/daycare-policy.js';
import { renderWaitingRoom, renderVideoSchedule, departmentsOf } from './screens/video.js';

const screenState = {};
let stopScreen = null;
let signInError = false;
let sessionExpired = false;

// The screens a user may use, by the roles and scopes of the token; the
// gateway checks them again on every call.
function screensFor(user) {
  const screens = [];
  const roles = new Set(user.roles);
  const offices = officesOf(user).filter((id) => id !== '*');
  if ((roles.has('office_staff') || roles.has('office_admin')) && offices.length) {
    screens.push({ route: 'counter', label: t('counter') });
    screens.push({ route: `display/${offices[0]}`, label: t('display') });
  }
  if (roles.has('office_admin') && offices.length) screens.push({ route: 'closures', label: t('closures') });
  if (roles.has('parking_admin')) screens.push({ route: 'parking', label: t('parking') });
  if (roles.has('steering_office')) screens.push({ route: 'steering', label: t('steering') });
  if (roles.has('daycare_caseworker')) screens.push({ route: 'daycare', label: t('daycare') });
  if (roles.has('daycare_coordinator')) {
    screens.push({ route: 'daycare-policy', label: t('policyScreen') });
    screens.push({ route: 'daycare-rounds', label: t('rounds') });
  }
  if (roles.has('video_caseworker') && departmentsOf(user).length) {
    screens.push({ route: 'video-waiting', label: t('waitingRoom') });
    screens.push({ route: 'video-schedule', label: t('videoSchedule') });
  }
  return screens;
}

function header(user) {
  const languageButton = button(t('language'), () => {
    setLanguage(currentLanguage() === 'de' ? 'en' : 'de');
    render();
  }, 'tertiary', { id: 'language', lang: currentLanguage() === 'de' ? 'en' : 'de', 'aria-label': t('languageLabel') });
  return h('header', { class: 'app-header' },
    h('div', { class: 'kern-kopfzeile' }, h('div', { class: 'kern-container' },
      h('div', { class: 'kern-kopfzeile__content' }, h('span', { class: 'kern-kopfzeile__flagge', 'aria-hidden': 'true' }),
        h('span', { class: 'kern-kopfzeile__label' }, 'Stadtverwaltung')))),
    h('div', { class: 'kern-container header-bar' },
      h('p', { class: 'app-title' }, t('appTitle')),
      h('div', { class: 'header-tools' },
        user ? h('span', { id: 'user' }, `${t('signedInAs')} ${user.name}`) : null,
        languageButton,
        user ? button(t('signOut'), () => signOut(), 'secondary', { id: 'sign-out' }) : null)));
}

function navigation(screens, active) {
  return h('nav', { 'aria-label': t('nav'), class: 'kern-container app-nav' },
    h('ul', {}, screens.map((screen) => h('li', {},
      h('a', { class: 'kern-link', href: `#/${screen.route}`, 'aria-current': active === screen.route ? 'page' : false }, screen.label)))));
}

// Reloads a screen's data every 15 s while the tab is visible; returns the stop.
function pollWhileVisible(reload) {
  const timer = setInterval(() => { if (!document.hidden) reload(); }, 15000);
  return () => clearInterval(timer);
}

function route() {
  return location.hash.replace(/^#\/?/, '');
}

function render() {
  if (stopScreen) stopScreen();
  stopScreen = null;
  document.title = t('appTitle');
  const app = document.getElementById('app');
  const current = route();
  if (current.startsWith('display/')) {
    const main = h('main', { id: 'main' });
    replaceChildren(app, main);
    stopScreen = renderDisplay(main, decodeURIComponent(current.slice('display/'.length)));
    return;
  }
  const user = currentUser();
  const main = h('main', { id: 'main', class: 'kern-container', tabindex: '-1' });
  const skip = h('a', { class: 'skip-link', href: '#main', onclick: (e) => { e.preventDefault(); main.focus(); } }, t('skip'));
  if (!user) {
    replaceChildren(app, skip, header(null), main);
    replaceChildren(main, h('h1', { class: 'kern-heading-large' }, t('appTitle')),
      signInError ? message('danger', t('signInFailed')) : null,
      sessionExpired ? message('warning', t('sessionExpired')) : null,
      h('p', {}, t('signInIntro')),
      button(t('signIn'), () => signIn(location.hash, currentLanguage()), 'primary', { id: 'sign-in' }));
    return;
  }
  const screens = screensFor(user);
  const chosen = screens.find((s) => s.route === current) || screens[0];
  replaceChildren(app, skip, header(user), navigation(screens, chosen?.route), main);
  if (!chosen) {
    replaceChildren(main, h('h1', { class: 'kern-heading-large' }, t('appTitle')), h('p', {}, t('noScreens')));
    return;
  }
  // No polling here: a reload would drop a reason being typed (the screen has its own button).
  if (chosen.route === 'parking') renderParking(main);
  if (chosen.route === 'closures') renderClosures(main, user, screenState);
  if (chosen.route === 'steering') stopScreen = pollWhileVisible(renderSteering(main));
  if (chosen.route === 'daycare') renderDaycareCasework(main, screenState);
  if (chosen.route === 'daycare-policy') renderDaycarePolicy(main, screenState);
  if (chosen.route === 'daycare-rounds') renderDaycareRounds(main, screenState);
  if (chosen.route === 'video-waiting') stopScreen = pollWhileVisible(renderWaitingRoom(main));
  if (chosen.route === 'video-schedule') renderVideoSchedule(main, user, screenState);
  if (chosen.route === 'counter') {
    stopScreen = pollWhileVisible(renderCounter(main, user, screenState));
  }
}

async function start() {
  // German unless asked for English (?lang=en, e.g. for a display's link).
  setLanguage(new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'de');
  if (!route().startsWith('display/')) {
    await loadProvider();
    try {
      const returnTo = await completeSignIn();
      if (returnTo !== null) location.hash = returnTo;
    } catch {
      signInError = true;
    }
  }
  // An expired or refused token: back to the start, which offers to sign in again.
  onUnauthenticated(() => {
    if (!currentUser()) return;
    forgetSession();
    sessionExpired = true;
    render();
  });
  window.addEventListener('hashchange', render);
  render();
  document.body.dataset.ready = 'true';
}

start();
