// Builds a fictional wine catalogue and the rows of its three exports (ERP, link table, web shop), defects included.
//
// Pure: no I/O. The proportions and defects copy those of the real monthly exports (see ../NOTES.md); names,
// tasting notes and the shop's domain are invented. The expected check figures are computed from the clean
// catalogue, before any defect is injected, never by cleaning the generated rows.
import { seededRandom } from './seeded-random.mjs';

/** Column names, in order, of each export. */
export const ERP_COLUMNS = ['product_id', 'onsale_web', 'price', 'stock_quantity', 'stock_status'];
export const LIAISON_COLUMNS = ['product_id', 'id_web'];
export const WEB_COLUMNS = [
  'sku', 'virtual', 'downloadable', 'rating_count', 'average_rating', 'total_sales', 'tax_status', 'tax_class',
  'post_author', 'post_date', 'post_date_gmt', 'post_content', 'post_title', 'post_excerpt', 'post_status',
  'comment_status', 'ping_status', 'post_password', 'post_name', 'post_modified', 'post_modified_gmt',
  'post_content_filtered', 'post_parent', 'guid', 'menu_order', 'post_type', 'post_mime_type', 'comment_count',
];
export const WEB_DATE_COLUMNS = ['post_date', 'post_date_gmt', 'post_modified', 'post_modified_gmt'];

/** Products in the real ERP export; the default size. */
export const DEFAULT_PRODUCTS = 825;
const MIN_PRODUCTS = 50;

// Shares of the real exports (825 ERP products): 714 on the web, 3 on sale but not linked to a web id,
// 20 not on sale but still linked to a web id absent from the web export, the rest not on sale and not linked.
const SHARE_ON_WEB = 714 / 825;
const SHARE_ON_SALE_UNLINKED = 3 / 825;
const SHARE_OFF_SALE_LINKED = 20 / 825;
const SHARE_BLANK_WEB_ROWS = 83 / 714; // rows holding only virtual = downloadable = rating_count = 0
const SHARE_ZERO_SALES = 329 / 714;

const SHOP_URL = 'https://www.cave-exemple.fr';
const FIRST_PRODUCT_ID = 3847;
const DATE_FIRST_MS = Date.UTC(2018, 1, 8, 9, 0, 0);
const DATE_LAST_MS = Date.UTC(2020, 6, 20, 18, 0, 0);
const MODIFIED_LAST_MS = Date.UTC(2020, 7, 27, 19, 0, 0);
const HOUR_MS = 3_600_000;

const PRODUCERS = [
  'Domaine des Trois Chênes', 'Château Belle-Rive', 'Maison Ferrand-Aubry', 'Domaine Lacombe', 'Clos des Garennes',
  'Domaine du Vieux Puits', 'Château Haut-Vallon', 'Domaine Marchetti', 'Cave de la Source', 'Domaine Perrot-Lenoir',
  'Château la Croix Blanche', 'Domaine Saint-Alban', 'Maison Delorme', 'Domaine des Roches Grises', 'Château Mirande',
  'Domaine Aubert & Fils', 'Vignobles Castaing', 'Domaine de la Pierre Levée', 'Château Fontclaire', 'Domaine Guérin',
];
const APPELLATIONS = [
  'Pomerol', 'Saint-Émilion Grand Cru', 'Margaux', 'Chablis', 'Sancerre', 'Pouilly-Fumé', 'Condrieu', 'Côte-Rôtie',
  'Crozes-Hermitage', 'Saint-Joseph', 'Cornas', 'Vacqueyras', 'Gigondas', 'Châteauneuf-du-Pape', 'Meursault',
  'Gevrey-Chambertin', 'Cahors', 'Madiran', 'Bandol', 'Chinon', 'Saumur-Champigny', 'Muscadet Sèvre et Maine',
  'Alsace Riesling', 'Pic Saint-Loup', 'Corbières', 'Minervois', "IGP Pays d'Oc", 'Champagne Brut',
];
const CUVEES = ['', '', '', 'Vieilles Vignes', 'Tradition', 'Réserve', 'Les Galets', "L'Esprit", 'Cuvée Prestige', 'Terroir'];
const COLOURS = ['', '', 'Rouge', 'Blanc', 'Rosé'];
const NOTES = [
  'Un nez expressif de fruits rouges et d’épices douces.',
  'La bouche est ronde, fraîche et d’une belle longueur.',
  'Des tanins fins, une finale saline et persistante.',
  'Arômes de fleurs blanches, d’agrumes et de pierre à fusil.',
  'Un vin gourmand, à partager sur une cuisine du marché.',
  'Élevé douze mois en fût, il gagnera à patienter en cave.',
  'Notes de cassis, de réglisse et de cacao.',
  'Une cuvée de caractère, droite et précise.',
];

/**
 * Generates a catalogue of `products` wines and the rows of the three exports. `month` (0 = the first month) moves
 * the same shop that many months on: prices revised, stock moved, sales added up, products added and removed.
 *
 * @example
 *   const catalog = buildWineCatalog({ products: 825, seed: '1' });
 *   catalog.erpRows[0];        // -> [3847, 1, 24.2, 0, 'outofstock']  (values vary with the seed)
 *   catalog.expected.web_rows; // -> 714: products on the web, one clean row each
 *   buildWineCatalog({ products: 825, seed: '1', month: 3 }).expected.web_rows; // -> about 720: three months later
 */
export function buildWineCatalog({ products = DEFAULT_PRODUCTS, seed = '1', month = 0 } = {}) {
  if (!Number.isInteger(products) || products < MIN_PRODUCTS) {
    throw new Error(`--products ${products}: expected an integer of at least ${MIN_PRODUCTS}.`);
  }
  const random = seededRandom(seed);

  // 1. The clean catalogue: every ERP product, its category and, for those on the web, one web post.
  const onWebCount = Math.round(products * SHARE_ON_WEB);
  const onSaleUnlinkedCount = Math.max(1, Math.round(products * SHARE_ON_SALE_UNLINKED));
  const offSaleLinkedCount = Math.max(1, Math.round(products * SHARE_OFF_SALE_LINKED));
  const categories = random.shuffle([
    ...Array(onWebCount).fill('on_web'),
    ...Array(onSaleUnlinkedCount).fill('on_sale_unlinked'),
    ...Array(offSaleLinkedCount).fill('off_sale_linked'),
    ...Array(products - onWebCount - onSaleUnlinkedCount - offSaleLinkedCount).fill('off_sale_unlinked'),
  ]);
  const webIds = distinctIntegers(random, onWebCount + offSaleLinkedCount, 40, 40 + 30 * products);

  let productId = FIRST_PRODUCT_ID;
  const catalog = categories.map((category) => {
    const product = {
      productId,
      category,
      isOnSale: category === 'on_web' || category === 'on_sale_unlinked',
      price: randomPrice(random),
      stock: random.chance(0.2) ? 0 : Math.max(1, Math.round(Math.exp(random.normal(2.5, 1.2)))),
      webId: category === 'on_web' || category === 'off_sale_linked' ? webIds.pop() : null,
      post: null,
    };
    productId += random.int(1, 7);
    return product;
  });
  let onWeb = catalog.filter((product) => product.category === 'on_web');
  for (const product of onWeb) product.post = randomPost(random, product.webId);

  // Text web ids, as in the real exports: a gift voucher and a copied product ('13127-1'); one more text id on a
  // product not on sale, whose web post no longer exists.
  const voucher = onWeb[random.int(0, onWeb.length - 1)];
  voucher.webId = 'bon-cadeau-25-euros';
  voucher.price = 25;
  voucher.post = { ...voucher.post, webId: voucher.webId, title: 'Bon cadeau de 25€', name: 'bon-cadeau-de-25-euros', author: 1, totalSales: 10 };
  const copies = onWeb.filter((product) => product !== voucher).slice(0, Math.max(1, Math.round(onWeb.length / 700)));
  for (const product of copies) {
    product.webId = `${product.webId}-1`;
    product.post = { ...product.post, webId: product.webId, name: `${product.post.name}-2` };
  }
  const retired = catalog.find((product) => product.category === 'off_sale_linked');
  retired.webId = `${retired.webId}-1`; // its own numeric id is unique, so this text id matches no web sku

  // The months after the first: each drifts from the one before with its own random stream, so month 2 of a seed is
  // month 1 of that seed moved on, whatever was generated before it.
  for (const product of [voucher, ...copies, retired]) product.isKept = true;
  for (let step = 1; step <= month; step += 1) driftOneMonth(catalog, seededRandom(`${seed}:month:${step}`), step, products);
  onWeb = catalog.filter((product) => product.category === 'on_web');

  ensureNoPriceOnThreshold(onWeb);
  const expected = expectedFigures(catalog, onWeb);

  // 2. Defects that leave the clean figures unchanged (the cleaning rules remove or ignore them).
  const offSale = catalog.filter((product) => !product.isOnSale);
  for (const index of random.sampleIndexes(offSale.length, Math.max(2, Math.round(products / 400)))) {
    offSale[index].price = -random.int(1, 9); // negative prices: only on products not on sale, as in the real ERP
  }
  onWeb[random.int(0, onWeb.length - 1)].stock = -1; // a negative stock reaches the merged table, as in the real data
  offSale[random.int(0, offSale.length - 1)].stock = -1;

  // Keys stored as text: most cells are numbers, some ids are text ('13127-1'), and a few numeric ids are stored as
  // text in one file and as numbers in the other ('15298' vs 15298). Only a text comparison joins them all.
  const textInLiaison = new Set(sampleOf(random, onWeb.filter(hasNumericWebId), Math.max(1, Math.round(onWeb.length / 300))));
  const textInWeb = new Set(sampleOf(random, onWeb.filter((p) => hasNumericWebId(p) && !textInLiaison.has(p)), textInLiaison.size));
  const liaisonProductIdAsText = new Set(sampleOf(random, catalog, 1));

  const erpRows = catalog.map((product) => [
    product.productId,
    product.isOnSale ? 1 : 0,
    product.price,
    product.stock,
    stockStatus(random, product.stock),
  ]);
  const liaisonRows = catalog.map((product) => [
    liaisonProductIdAsText.has(product) ? String(product.productId) : product.productId,
    product.webId === null ? null : textInLiaison.has(product) ? String(product.webId) : product.webId,
  ]);

  // The web shop exports, per sku, a product row and an image-attachment row; a few attachments carry a stale
  // total_sales, so only the product row is right.
  const disagreeing = new Set(sampleOf(random, onWeb, Math.max(3, Math.round(onWeb.length / 100))));
  const webRows = [];
  for (const product of onWeb) {
    const sku = textInWeb.has(product) ? String(product.webId) : product.webId;
    webRows.push(productRow(sku, product.post));
    const staleSales = product.post.totalSales >= 10 ? product.post.totalSales % 10 : product.post.totalSales + random.int(1, 5);
    webRows.push(attachmentRow(sku, product.post, disagreeing.has(product) ? staleSales : product.post.totalSales));
  }
  // Product posts whose sku was never filled in: not linked to the ERP, dropped by the cleaning.
  for (let i = 0; i < Math.max(2, Math.round(onWeb.length / 350)); i += 1) {
    webRows.push(productRow(null, randomPost(random, '')));
  }
  for (let i = 0; i < Math.round(onWeb.length * SHARE_BLANK_WEB_ROWS); i += 1) {
    webRows.push([null, 0, 0, 0, ...Array(WEB_COLUMNS.length - 4).fill(null)]);
  }
  random.shuffle(webRows); // the real export is in no order: an attachment row often comes before its product row

  // Exact duplicate rows (an export appended twice, a line copied): the real ERP and link table have none, but
  // the cleaning removes them, so the generated files carry a few; one duplicated link row has an empty id_web.
  insertDuplicates(random, erpRows, Math.max(2, Math.round(products / 100)), () => true);
  insertDuplicates(random, liaisonRows, 1, (row) => row[1] === null);
  insertDuplicates(random, liaisonRows, Math.max(1, Math.round(products / 100)), () => true);

  return {
    erpRows,
    liaisonRows,
    webRows,
    expected,
    summary: {
      seed: String(seed),
      month,
      products: catalog.length,
      on_web: onWeb.length,
      on_sale_unlinked: onSaleUnlinkedCount,
      off_sale_linked: offSaleLinkedCount,
      erp_duplicate_rows: erpRows.length - catalog.length,
      liaison_duplicate_rows: liaisonRows.length - catalog.length,
      web_product_rows_without_sku: webRows.filter((row) => row[0] === null && row[25] === 'product').length,
      web_blank_rows: webRows.filter((row) => row[25] === null).length,
      attachments_disagreeing_on_total_sales: disagreeing.size,
    },
  };
}

/**
 * One month of a shop's life, on the clean catalogue: about 12% of the prices revised (a few percent, mostly up),
 * stock moved, sales added to the web posts' cumulative total_sales, about 1% of the products removed and 1.5% added
 * (mostly on the web). The voucher, the copied product and the retired link keep the defects they stand for.
 */
function driftOneMonth(catalog, random, step, products) {
  for (const product of catalog) {
    if (product.price !== 25 && random.chance(0.12)) product.price = Math.max(4.9, Math.round(product.price * (1 + random.normal(0.02, 0.04)) * 10) / 10);
    if (random.chance(0.5)) product.stock = Math.max(0, product.stock + random.int(-5, 6));
    if (product.post && random.chance(0.15)) product.post = { ...product.post, totalSales: product.post.totalSales + random.int(1, 3) };
  }
  const removable = catalog.filter((product) => !product.isKept && (product.category === 'on_web' || product.category === 'off_sale_unlinked'));
  for (const product of sampleOf(random, removable, Math.max(1, Math.round(products * 0.01)))) catalog.splice(catalog.indexOf(product), 1);
  let productId = Math.max(...catalog.map((product) => product.productId));
  const added = Math.max(1, Math.round(products * 0.015));
  for (let i = 0; i < added; i += 1) {
    productId += random.int(1, 7);
    const onWeb = random.chance(0.85);
    // Above every web id of the first month (distinctIntegers draws below 40 + 30 * products): never a collision.
    const webId = onWeb ? 40 + 30 * products + step * 1000 + i : null;
    const post = onWeb ? { ...randomPost(random, webId), totalSales: random.int(0, 3) } : null;
    catalog.push({
      productId, category: onWeb ? 'on_web' : 'off_sale_unlinked', isOnSale: onWeb, price: randomPrice(random),
      stock: Math.max(1, Math.round(Math.exp(random.normal(2.5, 1.0)))), webId, post,
    });
  }
}

/**
 * The seven check figures, from the clean catalogue: the ERP and link table have one row per product, the web
 * export two rows (product + attachment) per product on the web, and every product on the web joins.
 */
function expectedFigures(catalog, onWeb) {
  // Prices have one decimal: sum revenue in tenths as integers so the total is exact.
  const revenueTenths = onWeb.reduce((sum, p) => sum + Math.round(p.price * 10) * p.post.totalSales, 0);
  const { mean, std } = sampleStats(onWeb.map((p) => p.price));
  return {
    erp_rows: catalog.length,
    liaison_rows: catalog.length,
    web_rows_with_sku: 2 * onWeb.length,
    web_rows: onWeb.length,
    merged_rows: onWeb.length,
    total_revenue: Number((revenueTenths / 10).toFixed(2)),
    premium_wines: onWeb.filter((p) => (p.price - mean) / std > 2).length,
  };
}

/** Mean and sample standard deviation (ddof = 1, as pandas' Series.std()). */
function sampleStats(values) {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

// A price whose z-score is 2 to within rounding would make the premium count depend on float summation order
// (JS here, DuckDB in the pipeline). Move such a price up 0.1 until no price is that close.
function ensureNoPriceOnThreshold(onWeb) {
  for (;;) {
    const { mean, std } = sampleStats(onWeb.map((p) => p.price));
    const close = onWeb.find((p) => Math.abs((p.price - mean) / std - 2) < 1e-6);
    if (!close) return;
    close.price = Math.round(close.price * 10 + 1) / 10;
  }
}

// Log-normal around 24 €, as the real shop's on-sale prices (median 23.7, about 4% above mean + 2 std); a quarter
// of the prices are whole euros, the rest have one decimal.
function randomPrice(random) {
  const price = Math.max(4.9, Math.exp(random.normal(Math.log(24), 0.62)));
  return random.chance(0.25) ? Math.round(price) : Math.round(price * 10) / 10;
}

function randomPost(random, webId) {
  const vintage = random.int(2008, 2019);
  const appellation = random.pick(APPELLATIONS);
  const title = [random.pick(PRODUCERS), appellation, random.pick(COLOURS), random.pick(CUVEES), appellation.startsWith('Champagne') ? '' : vintage]
    .filter((part) => part !== '')
    .join(' ');
  const dateMs = roundToSecond(DATE_FIRST_MS + random.next() * (DATE_LAST_MS - DATE_FIRST_MS));
  const modifiedMs = roundToSecond(dateMs + HOUR_MS + random.next() * (MODIFIED_LAST_MS - dateMs - HOUR_MS));
  const sentences = random.shuffle([...NOTES]).slice(0, random.int(1, 3)).join(' ');
  return {
    webId,
    title,
    name: slug(title),
    excerpt: random.chance(0.2) ? `<span>${sentences}</span>` : sentences,
    author: 2,
    dateMs,
    modifiedMs,
    totalSales: random.chance(SHARE_ZERO_SALES) ? 0 : Math.max(1, Math.floor(Math.exp(random.normal(1.3, 1.05)))),
  };
}

function productRow(sku, post) {
  return webRow(sku, post, {
    totalSales: post.totalSales,
    taxStatus: 'taxable',
    excerpt: post.excerpt,
    guid: `${SHOP_URL}/?post_type=product&#038;p=${post.webId}`,
    postType: 'product',
    mimeType: null,
  });
}

function attachmentRow(sku, post, totalSales) {
  return webRow(sku, post, {
    totalSales,
    taxStatus: null,
    excerpt: null,
    guid: `${SHOP_URL}/wp-content/uploads/2020/03/${post.name}.jpg`,
    postType: 'attachment',
    mimeType: 'image/jpeg',
  });
}

// Dates are written as naive local (Paris) times, as Excel stores them; the *_gmt columns are one or two hours
// earlier. exceljs writes a Date's UTC fields, so a local time is carried in a Date's UTC fields.
function webRow(sku, post, { totalSales, taxStatus, excerpt, guid, postType, mimeType }) {
  const date = new Date(post.dateMs);
  const modified = new Date(post.modifiedMs);
  return [
    sku, 0, 0, 0, 0, totalSales, taxStatus, null,
    post.author, date, toGmt(date), null, post.title, excerpt, 'publish',
    'closed', 'closed', null, post.name, modified, toGmt(modified),
    null, 0, guid, 0, postType, mimeType, 0,
  ];
}

/** Paris time to UTC: two hours off from the last Sunday of March to the last Sunday of October, else one. */
function toGmt(localDate) {
  const year = localDate.getUTCFullYear();
  const lastSunday = (month) => {
    const last = new Date(Date.UTC(year, month + 1, 0));
    return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay());
  };
  const ms = localDate.getTime();
  const isSummer = ms >= lastSunday(2) + 2 * HOUR_MS && ms < lastSunday(9) + 3 * HOUR_MS;
  return new Date(ms - (isSummer ? 2 : 1) * HOUR_MS);
}

function stockStatus(random, stock) {
  if (random.chance(0.005)) return stock > 0 ? 'outofstock' : 'instock'; // a status not updated, as a few real rows
  return stock > 0 ? 'instock' : 'outofstock';
}

function insertDuplicates(random, rows, count, canDuplicate) {
  const candidates = rows.filter(canDuplicate);
  for (let i = 0; i < count && candidates.length > 0; i += 1) {
    const row = random.pick(candidates);
    rows.splice(random.int(0, rows.length), 0, [...row]);
  }
}

function distinctIntegers(random, count, min, max) {
  const chosen = new Set();
  while (chosen.size < count) chosen.add(random.int(min, max));
  return [...chosen];
}

function sampleOf(random, items, count) {
  return random.sampleIndexes(items.length, Math.min(count, items.length)).map((index) => items[index]);
}

const hasNumericWebId = (product) => typeof product.webId === 'number';
const roundToSecond = (ms) => Math.round(ms / 1000) * 1000;
const slug = (title) =>
  title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
