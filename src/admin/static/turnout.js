/* global document, window, fetch, setTimeout */
// The live turnout chart of a motion: reads /admin/api/motions/:id/turnout every few seconds while
// the vote is open and draws the cumulative count of units that have voted (Chart.js, served locally).
const canvas = document.getElementById('turnout-chart');
const summary = document.getElementById('turnout');
const POLL_MS = 5000;

const timeLabel = (ms) =>
  new Date(ms).toLocaleString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });

async function load() {
  const response = await fetch(canvas.dataset.src, {
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`turnout ${response.status}`);
  return response.json();
}

function draw(chart, data) {
  const labels = data.points.map((p) => timeLabel(p.t));
  const counts = data.points.map((p) => p.n);
  summary.textContent = `应投 ${data.eligible} 家，已投 ${data.voted} 家`;
  if (chart) {
    chart.data.labels = labels;
    chart.data.datasets[0].data = counts;
    chart.data.datasets[1].data = labels.map(() => data.eligible);
    chart.update();
    return chart;
  }
  return new window.Chart(canvas, {
    type: 'line',
    data: {
      labels,
      datasets: [
        {
          label: '已投票单位',
          data: counts,
          stepped: true,
          borderColor: '#0b5cad',
          backgroundColor: '#0b5cad',
          fill: false,
        },
        {
          label: '应投单位',
          data: labels.map(() => data.eligible),
          borderColor: '#4a4a4a',
          borderDash: [4, 4],
          pointRadius: 0,
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
}

if (canvas && window.Chart) {
  let chart;
  const tick = async () => {
    try {
      const data = await load();
      chart = draw(chart, data);
      canvas.dataset.voted = String(data.voted);
      if (data.status === 'open') setTimeout(tick, POLL_MS);
    } catch {
      setTimeout(tick, POLL_MS * 2);
    }
  };
  void tick();
}
