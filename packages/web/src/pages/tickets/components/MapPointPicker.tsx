import { useEffect, useRef, useState } from 'react';
import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { api } from '../../../api/client';
import { gcj02ToWgs84, wgs84ToGcj02 } from '../../../utils/coords';

interface MapConfig {
  tileUrl: string;
  coordSystem: 'wgs84' | 'gcj02';
}

let configOnce: Promise<MapConfig> | null = null;
const mapConfig = () => (configOnce ??= api.get<MapConfig>('/tickets/map-config', undefined, { silent: true }).catch(() => ({ tileUrl: '', coordSystem: 'wgs84' as const })));

// Ürümqi: where a map with no point yet opens.
const CENTER: L.LatLngTuple = [43.8256, 87.6168];

/**
 * 地图选点: a click sets the ticket's point (stored as WGS-84). Tiles come from the map service
 * the administrator configures (天地图 needs a key); without one the page says so and the
 * latitude/longitude fields stay available for manual entry.
 */
export function MapPointPicker({ lat, lng, onPick }: { lat?: number | null; lng?: number | null; onPick: (lat: number, lng: number) => void }) {
  const { t } = useTranslation();
  const [config, setConfig] = useState<MapConfig | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const marker = useRef<L.CircleMarker | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;

  useEffect(() => {
    void mapConfig().then(setConfig);
  }, []);

  useEffect(() => {
    if (!config?.tileUrl || !box.current || map.current) return;
    const toMap = (a: number, b: number): L.LatLngTuple => (config.coordSystem === 'gcj02' ? wgs84ToGcj02(a, b) : [a, b]);
    const m = L.map(box.current).setView(CENTER, 6);
    L.tileLayer(config.tileUrl, { maxZoom: 18 }).addTo(m);
    m.on('click', (e: L.LeafletMouseEvent) => {
      const [wLat, wLng] = config.coordSystem === 'gcj02' ? gcj02ToWgs84(e.latlng.lat, e.latlng.lng) : [e.latlng.lat, e.latlng.lng];
      pick.current(Math.round(wLat * 1e6) / 1e6, Math.round(wLng * 1e6) / 1e6);
    });
    map.current = m;
    (m as L.Map & { toMap?: typeof toMap }).toMap = toMap;
    return () => {
      m.remove();
      map.current = null;
      marker.current = null;
    };
  }, [config]);

  useEffect(() => {
    const m = map.current as (L.Map & { toMap?: (a: number, b: number) => L.LatLngTuple }) | null;
    if (!m || lat == null || lng == null || !m.toMap) return;
    const at = m.toMap(lat, lng);
    if (marker.current) marker.current.setLatLng(at);
    else marker.current = L.circleMarker(at, { radius: 8, color: '#c0392b' }).addTo(m);
  }, [lat, lng, config]);

  if (!config) return null;
  if (!config.tileUrl) return <Alert type="info" showIcon message={t('tickets.map.notConfigured')} data-testid="map-not-configured" />;
  return <div ref={box} style={{ height: 280, borderRadius: 6 }} data-testid="map-picker" />;
}
